"""Who may work at which Fritidsbank's desk.

Rules (the organisation's roles, see ``accounts.access``):
- Lending, returns, reservations and registering donations need the editor role in the
  bank's organisation — desk staff, often in work training, are editors.
- Reading the bank's loans and statistics needs the viewer role; changing the bank's
  settings needs admin.
- Someone who is not a member, or an organisation that is not a bank, gets 404; a member
  with too low a role gets 403.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sammanhang.accounts.access import Role, organisation_role, role_allows
from sammanhang.lending.models import Bank

__all__ = ["DESK_ROLE", "Role", "access_bank_by_slug"]

DESK_ROLE = Role.EDITOR


def access_bank_by_slug(
    user: AbstractBaseUser | AnonymousUser, slug: str, *, needed: Role = DESK_ROLE
) -> tuple[Bank, Role]:
    """Return the bank whose organisation has ``slug`` and the user's role, or refuse.

    Raises ``Http404`` when there is no such bank or the user is not a member, and
    ``PermissionDenied`` when the user's role is below ``needed``.
    """
    bank = (
        Bank.objects.select_related("organisation", "place").filter(organisation__slug=slug).first()
    )
    if bank is None:
        raise Http404
    role = organisation_role(user, bank.organisation)
    if role is None:
        raise Http404
    if not role_allows(role, needed):
        raise PermissionDenied
    return bank, role
