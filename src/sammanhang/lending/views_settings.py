"""Starting a Fritidsbank and changing its settings and branches: pages for the bank's admins.

Starting (``bank_start``) is reached before there is a bank, so it takes the organisation
through ``accounts.access`` (admin role); every other page takes the bank through
``lending.access`` with ``needed=Role.ADMIN``. Non-members get 404, members below admin 403.
Each change is a POST through ``services`` followed by a redirect with a message; a refusal
(``SettingsError``) is put on the fields, and the form keeps what was typed.
"""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sammanhang.accounts.access import access_organisation_by_slug
from sammanhang.lending import selectors, services
from sammanhang.lending.access import Role, access_bank_by_slug
from sammanhang.lending.forms import BankSettingsForm, BranchForm
from sammanhang.lending.models import Bank, Branch

GET_POST = require_http_methods(["GET", "POST"])
BRANCH_PREFIX = "branch"


def _status(*forms: BankSettingsForm | BranchForm) -> int:
    return 400 if any(form.is_bound and form.errors for form in forms) else 200


def _settings_from(form: BankSettingsForm) -> services.BankSettings:
    data = form.cleaned_data
    return services.BankSettings(
        loan_days=data["loan_days"],
        max_items=data["max_items"],
        reminder_days=data["reminder_days"],
        overdue_repeat_days=data["overdue_repeat_days"],
        overdue_reminders_max=data["overdue_reminders_max"],
        borrower_retention_months=data["borrower_retention_months"],
        donation_info=data["donation_info"],
    )


def _add_errors(form: BankSettingsForm | BranchForm, exc: services.LendingError) -> None:
    if isinstance(exc, services.SettingsError):
        for field, message in exc.errors.items():
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, exc.message)


@login_required
@GET_POST
def bank_start(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Make the organisation a Fritidsbank: choose its place and settings."""
    organisation, _role = access_organisation_by_slug(request.user, org_slug, needed=Role.ADMIN)
    if Bank.objects.filter(organisation=organisation).exists():
        messages.info(request, _("%(name)s already lends equipment.") % {"name": organisation})
        return redirect("lending_staff:settings", org_slug=organisation.slug)
    places = selectors.places_for_bank(organisation=organisation)
    form = BankSettingsForm(
        request.POST if request.method == "POST" else None,
        places=places,
        initial=asdict(services.BankSettings()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_create(
                actor=request.user,
                organisation=organisation,
                place=form.cleaned_data["place"],
                bank_settings=_settings_from(form),
            )
        except services.LendingError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now lends equipment. Add branches here, or open the desk.")
                % {"name": organisation.name},
            )
            return redirect("lending_staff:settings", org_slug=organisation.slug)
    return render(
        request,
        "lending/bank_start.html",
        {"organisation": organisation, "form": form, "has_places": places.exists()},
        status=_status(form),
    )


def _settings_render(
    request: HttpRequest,
    bank: Bank,
    *,
    form: BankSettingsForm | None = None,
    branch_form: BranchForm | None = None,
) -> HttpResponse:
    places = selectors.places_for_bank(organisation=bank.organisation)
    if form is None:
        form = BankSettingsForm(
            places=places,
            initial={"place": bank.place_id, **asdict(services.BankSettings.of(bank))},
        )
    if branch_form is None:
        branch_form = BranchForm(places=places, prefix=BRANCH_PREFIX)
    return render(
        request,
        "lending/bank_settings.html",
        {
            "bank": bank,
            "organisation": bank.organisation,
            "form": form,
            "branch_form": branch_form,
            "branches": selectors.bank_branches(bank=bank),
        },
        status=_status(form, branch_form),
    )


@login_required
@GET_POST
def bank_settings(request: HttpRequest, org_slug: str) -> HttpResponse:
    bank, _role = access_bank_by_slug(request.user, org_slug, needed=Role.ADMIN)
    if request.method != "POST":
        return _settings_render(request, bank)
    form = BankSettingsForm(
        request.POST, places=selectors.places_for_bank(organisation=bank.organisation)
    )
    if form.is_valid():
        try:
            changed = services.bank_settings_update(
                actor=request.user,
                bank=bank,
                place=form.cleaned_data["place"],
                bank_settings=_settings_from(form),
            )
        except services.LendingError as exc:
            _add_errors(form, exc)
        else:
            if changed:
                messages.success(request, _("The settings are saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("lending_staff:settings", org_slug=bank.organisation.slug)
    return _settings_render(request, bank, form=form)


@login_required
@require_POST
def branch_add(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The settings page's small form; a refusal shows the page again with what was typed."""
    bank, _role = access_bank_by_slug(request.user, org_slug, needed=Role.ADMIN)
    form = BranchForm(
        request.POST,
        places=selectors.places_for_bank(organisation=bank.organisation),
        prefix=BRANCH_PREFIX,
    )
    if form.is_valid():
        try:
            branch = services.branch_add(
                actor=request.user,
                bank=bank,
                name=form.cleaned_data["name"],
                place=form.cleaned_data["place"],
            )
        except services.LendingError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The branch %(name)s is added.") % {"name": branch.name})
            return redirect("lending_staff:settings", org_slug=bank.organisation.slug)
    return _settings_render(request, bank, branch_form=form)


def _branch(bank: Bank, branch_id: int) -> Branch:
    branch = Branch.objects.filter(bank=bank, pk=branch_id).select_related("place").first()
    if branch is None:
        raise Http404
    return branch


@login_required
@GET_POST
def branch_edit(request: HttpRequest, org_slug: str, branch_id: int) -> HttpResponse:
    """Rename a branch or change its place."""
    bank, _role = access_bank_by_slug(request.user, org_slug, needed=Role.ADMIN)
    branch = _branch(bank, branch_id)
    form = BranchForm(
        request.POST if request.method == "POST" else None,
        places=selectors.places_for_bank(organisation=bank.organisation),
        initial={"name": branch.name, "place": branch.place_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.branch_update(
                actor=request.user,
                branch=branch,
                name=form.cleaned_data["name"],
                place=form.cleaned_data["place"],
            )
        except services.LendingError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The branch %(name)s is saved.") % {"name": branch.name})
            return redirect("lending_staff:settings", org_slug=bank.organisation.slug)
    return render(
        request,
        "lending/branch_form.html",
        {"bank": bank, "organisation": bank.organisation, "branch": branch, "form": form},
        status=_status(form),
    )


@login_required
@GET_POST
def branch_remove(request: HttpRequest, org_slug: str, branch_id: int) -> HttpResponse:
    """Ask first (GET), then remove (POST): a calm screen rather than a button that acts."""
    bank, _role = access_bank_by_slug(request.user, org_slug, needed=Role.ADMIN)
    branch = _branch(bank, branch_id)
    if request.method == "POST":
        name = branch.name
        services.branch_remove(actor=request.user, branch=branch)
        messages.success(request, _("The branch %(name)s is removed.") % {"name": name})
        return redirect("lending_staff:settings", org_slug=bank.organisation.slug)
    return render(
        request,
        "lending/branch_remove.html",
        {"bank": bank, "organisation": bank.organisation, "branch": branch},
    )
