"""Who may touch which organisation's staff pages.

Rules:
- A platform administrator may do everything.
- A member's role orders their rights: viewer < editor < admin.
- Someone who is not a member does not learn that the organisation's staff pages exist:
  they get 404. A member whose role is too low gets 403.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sammanhang.accounts.models import Membership, Organisation, Role, User

__all__ = ["Role", "access_organisation_by_slug", "organisation_role", "role_allows"]
_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


def _is_platform_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return isinstance(user, User) and user.is_platform_admin


def organisation_role(
    user: AbstractBaseUser | AnonymousUser, organisation: Organisation
) -> Role | None:
    """The user's role in the organisation; platform administrators count as admin."""
    if not user.is_authenticated or not user.is_active:
        return None
    if _is_platform_admin(user):
        return Role.ADMIN
    role = (
        Membership.objects.filter(user_id=user.pk, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def role_allows(role: Role | None, needed: Role) -> bool:
    return role is not None and _RANK[role] >= _RANK[needed]


def access_organisation_by_slug(
    user: AbstractBaseUser | AnonymousUser, slug: str, *, needed: Role
) -> tuple[Organisation, Role]:
    """Return the organisation and the user's role, or refuse.

    Raises ``Http404`` when the organisation does not exist or the user is not a member, and
    ``PermissionDenied`` when the user is a member with too low a role.
    """
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    role = organisation_role(user, organisation)
    if role is None:
        raise Http404
    if not role_allows(role, needed):
        raise PermissionDenied
    return organisation, role
