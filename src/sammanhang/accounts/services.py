"""Writes for organisations and memberships.

Invariants kept here:
- A user has at most one membership per organisation (``membership_one_per_user_and_organisation``
  in the database; a second add changes the role instead).
- An organisation that has an administrator always keeps at least one: the last admin can be
  neither demoted nor removed. Guarded by locking the organisation row before counting, so
  two admins demoting each other at once cannot both succeed.
- Every write records an audit event in its own transaction.
- A deleted organisation leaves a tombstone (in the same transaction) so open-data mirrors
  drop it.
- A change to an organisation's fields or logo sends ``signals.organisation_changed`` in the
  same transaction, so records that show the organisation (its activities') move with it.
"""

from __future__ import annotations

import uuid as uuid_module
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from sammanhang.accounts import signals
from sammanhang.accounts.models import Membership, Organisation, User
from sammanhang.core.images import image_clean
from sammanhang.core.models import TombstoneKind
from sammanhang.core.services import audit_record, tombstone_record

Actor = AbstractBaseUser | AnonymousUser | None


class MembershipError(Exception):
    """A membership change that the rules refuse; the message is for the user."""


def organisation_create(
    *,
    actor: Actor,
    name: str,
    slug: str,
    kind: str = Organisation.Kind.OTHER,
    parent: Organisation | None = None,
    description: str = "",
    description_en: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    uuid: uuid_module.UUID | None = None,
) -> Organisation:
    """Create an organisation, optionally under a ``parent`` (a department's unit, say).

    ``uuid`` keeps the id another system published it under (an HSDS import); otherwise a new
    one is drawn. Raises ``ValidationError`` for a taken slug or UUID, an unknown kind, or a
    malformed website or e-mail address.
    """
    profile = {
        "description": description,
        "description_en": description_en,
        "website": website,
        "email": email,
        "phone": phone,
    }
    with transaction.atomic():
        organisation = Organisation(name=name, slug=slug, kind=kind, parent=parent, **profile)
        if uuid is not None:
            organisation.uuid = uuid
        organisation.full_clean()
        organisation.save()
        audit_record(
            actor=actor,
            action="organisation.created",
            target=organisation,
            organisation_id=organisation.pk,
            changed_fields=[
                "name",
                "slug",
                "kind",
                *(["parent"] if parent is not None else []),
                *(field for field, value in profile.items() if value),
            ],
        )
    return organisation


class OrganisationError(Exception):
    """An organisation change that the rules refuse; the message is for the user."""


def organisation_delete(*, actor: Actor, organisation: Organisation) -> None:
    """Delete an organisation that has nothing published under it any more.

    Its memberships go with it. Raises ``OrganisationError`` while it still has activities,
    places or units (the database protects them; they must be moved or deleted first).
    Nothing is changed then.
    """
    try:
        with transaction.atomic():
            _lock(organisation)
            audit_record(
                actor=actor,
                action="organisation.deleted",
                target=organisation,
                organisation_id=None,
                changed_fields=["name"],
            )
            tombstone_record(kind=TombstoneKind.ORGANISATION, record_uuid=organisation.uuid)
            organisation.delete()
    except ProtectedError as error:
        raise OrganisationError(
            _("%(organisation)s still has activities, places or units; move or delete them first.")
            % {"organisation": organisation.name}
        ) from error


ORGANISATION_FIELDS = frozenset(
    {"name", "kind", "parent", "description", "description_en", "website", "email", "phone"}
)


def organisation_changes_announce(*, organisation: Organisation, changed_fields: list[str]) -> None:
    """Tell the apps that show the organisation that these saved fields changed; call it in
    the transaction of the change (the admin, which saves the model itself, does)."""
    if changed_fields:
        signals.organisation_changed.send(
            sender=Organisation, organisation=organisation, changed_fields=changed_fields
        )


def organisation_update(*, actor: Actor, organisation: Organisation, **fields: Any) -> list[str]:
    """Change an organisation's name, kind, parent and profile; return the changed fields.

    Raises ``ValidationError`` when ``parent`` would make the organisation its own ancestor
    and for values the model refuses, ``TypeError`` for a keyword that is not an organisation
    field. Nothing is written or recorded when nothing changed.
    """
    unexpected = sorted(set(fields) - ORGANISATION_FIELDS)
    if unexpected:
        raise TypeError(f"organisation_update() got unexpected fields: {', '.join(unexpected)}")
    ancestor = fields.get("parent")
    while ancestor is not None:
        if ancestor.pk == organisation.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})
        ancestor = ancestor.parent
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name, value in fields.items():
            setattr(organisation, name, value)
        if not changed:
            return []
        organisation.full_clean()
        organisation.save(update_fields=[*changed, "updated_at"])
        organisation_changes_announce(organisation=organisation, changed_fields=changed)
        audit_record(
            actor=actor,
            action="organisation.updated",
            target=organisation,
            organisation_id=organisation.pk,
            changed_fields=changed,
        )
    return changed


def membership_set(
    *, actor: Actor, organisation: Organisation, user: User, role: str
) -> Membership:
    """Give ``user`` ``role`` in ``organisation``, adding the membership if needed.

    Raises ``MembershipError`` when the change would leave the organisation without an admin.
    """
    role = Membership.Role(role)
    with transaction.atomic():
        _lock(organisation)
        membership = Membership.objects.filter(organisation=organisation, user=user).first()
        if membership is None:
            membership = Membership.objects.create(organisation=organisation, user=user, role=role)
            action = "membership.added"
        elif membership.role == role:
            return membership
        else:
            if membership.role == Membership.Role.ADMIN:
                _refuse_if_last_admin(organisation)
            membership.role = role
            membership.save(update_fields=["role"])
            action = "membership.role_changed"
        audit_record(
            actor=actor,
            action=action,
            target=membership,
            organisation_id=organisation.pk,
            changed_fields=["role"],
        )
    return membership


def membership_remove(*, actor: Actor, membership: Membership) -> None:
    """Remove a membership; raises ``MembershipError`` for the organisation's last admin."""
    with transaction.atomic():
        organisation = membership.organisation
        _lock(organisation)
        membership = Membership.objects.get(pk=membership.pk)
        if membership.role == Membership.Role.ADMIN:
            _refuse_if_last_admin(organisation)
        audit_record(
            actor=actor,
            action="membership.removed",
            target=membership,
            organisation_id=organisation.pk,
        )
        membership.delete()


def _lock(organisation: Organisation) -> None:
    # One lock per organisation orders concurrent membership changes (pretix's locking rule:
    # lock late, lock the parent, always in the same order).
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def _refuse_if_last_admin(organisation: Organisation) -> None:
    admins = Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
    if admins.count() <= 1:
        raise MembershipError(
            _("%(organisation)s must keep at least one administrator.")
            % {"organisation": organisation.name}
        )


def organisation_logo_set(
    *, actor: Actor, organisation: Organisation, upload: File[bytes] | None
) -> Organisation:
    """Replace the organisation's logo with ``upload`` (cleaned), or remove it with ``None``.

    Raises ``core.images.ImageRejected`` for a file that is not a picture we publish; nothing
    is changed then. The old file is deleted once the change is committed.
    """
    clean = image_clean(upload, max_side=600) if upload is not None else None
    old_name = organisation.logo.name
    with transaction.atomic():
        if clean is None:
            organisation.logo = ""
        else:
            organisation.logo.save(clean.content.name or "logo.png", clean.content, save=False)
        organisation.save(update_fields=["logo", "updated_at"])
        organisation_changes_announce(organisation=organisation, changed_fields=["logo"])
        audit_record(
            actor=actor,
            action="organisation.logo_changed",
            target=organisation,
            organisation_id=organisation.pk,
            changed_fields=["logo"],
        )
        if old_name and old_name != organisation.logo.name:
            storage = organisation.logo.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return organisation
