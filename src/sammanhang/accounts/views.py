"""Staff pages: log in and out, the dashboard, and organisation administration.

Views are thin: access checks come from ``access``, reads from ``selectors``, writes from
``services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sammanhang.accounts import selectors, services
from sammanhang.accounts.access import Role, access_organisation_by_slug, role_allows
from sammanhang.accounts.forms import LoginForm, MemberAddForm, MemberRoleForm
from sammanhang.accounts.models import Membership


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes shows once a user name and address have failed too often."""
    return render(request, "accounts/lockout.html", status=429)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/dashboard.html",
        {"organisations": selectors.organisations_with_role_for_user(request.user)},
    )


@login_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, role = access_organisation_by_slug(request.user, slug, needed=Role.VIEWER)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "role": role,
            "can_administer": role_allows(role, Role.ADMIN),
            "can_edit": role_allows(role, Role.EDITOR),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = access_organisation_by_slug(request.user, slug, needed=Role.ADMIN)
    form = MemberAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        try:
            services.membership_set(
                actor=request.user,
                organisation=organisation,
                user=user,
                role=form.cleaned_data["role"],
            )
        except services.MembershipError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(user)s now has access.") % {"user": user.get_username()})
            return redirect("accounts:organisation_members", slug=organisation.slug)
    return render(
        request,
        "accounts/organisation_members.html",
        {
            "organisation": organisation,
            "memberships": selectors.memberships_for_organisation(organisation),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request: HttpRequest, slug: str, membership_uuid: str) -> HttpResponse:
    organisation, _role = access_organisation_by_slug(request.user, slug, needed=Role.ADMIN)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), uuid=membership_uuid, organisation=organisation
    )
    form = MemberRoleForm(
        request.POST if request.method == "POST" else None, initial={"role": membership.role}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set(
                actor=request.user,
                organisation=organisation,
                user=membership.user,
                role=form.cleaned_data["role"],
            )
        except services.MembershipError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The role was changed."))
            return redirect("accounts:organisation_members", slug=organisation.slug)
    return render(
        request,
        "accounts/membership_edit.html",
        {"organisation": organisation, "membership": membership, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def membership_remove(request: HttpRequest, slug: str, membership_uuid: str) -> HttpResponse:
    organisation, _role = access_organisation_by_slug(request.user, slug, needed=Role.ADMIN)
    membership = get_object_or_404(Membership, uuid=membership_uuid, organisation=organisation)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except services.MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The access was removed."))
    return redirect("accounts:organisation_members", slug=organisation.slug)


@login_required
def organisation_audit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = access_organisation_by_slug(request.user, slug, needed=Role.ADMIN)
    return render(
        request,
        "accounts/organisation_audit.html",
        {
            "organisation": organisation,
            "events": selectors.audit_events_for_organisation(organisation),
        },
    )
