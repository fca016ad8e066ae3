"""Who may view and edit an organisation's activities, schedules and places.

Rules (on top of ``accounts.access``: platform admin may do everything, viewer < editor <
admin, non-members get 404, members with too low a role get 403):
- An activity belongs to one organisation; it is reached only through that organisation's
  staff URLs. An activity of organisation B asked for through A's URL is 404, whatever the
  user's role in A, so object ids never reveal another organisation's drafts.
- A place is edited only by its owner organisation. Places are shared: an activity of A may
  be held at a place owned by B (any place in the directory may be chosen), but A's staff
  cannot open B's place through A's staff URLs (404).
- Schedules, exceptions and occurrences are reached through their activity, so the same
  rule covers them.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, QuerySet
from django.http import Http404

from sammanhang.accounts.access import Role, access_organisation_by_slug, role_allows
from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import Activity, Place

__all__ = [
    "Role",
    "access_activity",
    "access_organisation",
    "access_place",
    "object_in",
    "role_allows",
]

Anyone = AbstractBaseUser | AnonymousUser


def access_organisation(user: Anyone, org_slug: str, *, needed: Role) -> tuple[Organisation, Role]:
    """The organisation and the user's role; ``Http404``/``PermissionDenied`` as in accounts."""
    return access_organisation_by_slug(user, org_slug, needed=needed)


def object_in[M: Model](queryset: QuerySet[M], **lookup: object) -> M:
    """The one object matching ``lookup`` in an already scoped queryset, or ``Http404``."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def access_activity(
    user: Anyone, org_slug: str, activity_uuid: object, *, needed: Role
) -> tuple[Organisation, Role, Activity]:
    """The organisation, role and one of its activities.

    Raises ``Http404`` when the user is not a member, the activity does not exist or belongs
    to another organisation; ``PermissionDenied`` when the role is below ``needed``. The
    membership is checked first, so a non-member learns nothing about the activity.
    """
    organisation, role = access_organisation(user, org_slug, needed=needed)
    activity = object_in(
        Activity.objects.filter(organisation=organisation).select_related("organisation"),
        uuid=activity_uuid,
    )
    return organisation, role, activity


def access_place(
    user: Anyone, org_slug: str, place_uuid: object, *, needed: Role
) -> tuple[Organisation, Role, Place]:
    """The organisation, role and a place it owns.

    Raises ``Http404`` for a place owned by another organisation even when the organisation's
    activities are held there: only the owner edits a shared place.
    """
    organisation, role = access_organisation(user, org_slug, needed=needed)
    place = object_in(
        Place.objects.filter(owner=organisation).select_related("district", "municipality"),
        uuid=place_uuid,
    )
    return organisation, role, place


def may_edit(role: Role | None) -> bool:
    return role_allows(role, Role.EDITOR)
