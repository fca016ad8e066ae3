"""Reads for organisations, memberships and their audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from sammanhang.accounts.models import Membership, Organisation, Role, User
from sammanhang.core.models import AuditEvent


def organisations_with_role_for_user(
    user: AbstractBaseUser | AnonymousUser,
) -> list[tuple[Organisation, Role]]:
    """The organisations whose staff pages the user may open, with the user's role in each."""
    if not user.is_authenticated:
        return []
    if isinstance(user, User) and user.is_platform_admin:
        return [(org, Role.ADMIN) for org in Organisation.objects.order_by("name")]
    memberships = (
        Membership.objects.filter(user_id=user.pk)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [(m.organisation, Role(m.role)) for m in memberships]


def memberships_for_organisation(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__username")
    )


def organisations_public() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


def organisations_public_listing(limit: int) -> tuple[list[Organisation], int]:
    """The publishing organisations by name and how many there are; the list is empty when
    there are more than ``limit`` (a municipality's handful is worth listing, a country's
    20,000 are not: that page would weigh half a megabyte)."""
    first = list(organisations_public().only("name")[: limit + 1])
    if len(first) <= limit:
        return first, len(first)
    return [], organisations_public().count()


def audit_events_for_organisation(
    organisation: Organisation, *, limit: int = 100
) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organisation_id=organisation.pk).select_related("actor")[
        :limit
    ]


def organisation_by_slug(slug: str) -> Organisation | None:
    return Organisation.objects.select_related("parent").filter(slug=slug).first()
