"""Changing organisations, jurisdictions and staff roles.

Onboarding a municipality is a transaction, not a deploy: its area, the organisation serving
it and its first administrator appear together or not at all. Events carry ids only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.core.errors import Conflict, DomainError, NotFound, Refused
from govdoor.core.events import event_publish
from govdoor.organisations import selectors
from govdoor.organisations.models import Area, Jurisdiction, Organisation, StaffRole

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
AREA_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# Which levels an organisation's parent may have (a parent is never below its child).
ALLOWED_PARENT_LEVELS: dict[str, set[str]] = {
    Organisation.Level.CENTRAL: {Organisation.Level.CENTRAL},
    Organisation.Level.REGIONAL: {Organisation.Level.CENTRAL, Organisation.Level.REGIONAL},
    Organisation.Level.LOCAL: {Organisation.Level.CENTRAL, Organisation.Level.REGIONAL},
}


class _Unset:
    """Marks an argument left out of an update (None is a meaningful value for parent)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class Onboarding:
    organisation: Organisation
    area: Area
    admin: Any


def _validate_code(code: str) -> None:
    if not code or len(code) > 64 or not CODE_PATTERN.match(code):
        raise DomainError(
            _("Enter a code of lowercase letters, digits and single hyphens (at most 64)."),
            field="code",
        )


def _validate_name(name: str, *, field: str = "name") -> None:
    if not name or not name.strip():
        raise DomainError(_("Enter a name."), field=field)
    if len(name) > 200:
        raise DomainError(_("The name must be 200 characters or fewer."), field=field)


def _validate_level(level: str) -> None:
    if level not in Organisation.Level.values:
        raise DomainError(_("Choose central, regional or local."), field="level")


def _validate_parent(*, level: str, parent: Organisation | None, own: Organisation | None) -> None:
    if parent is None:
        return
    if own is not None and parent.pk == own.pk:
        raise DomainError(_("An organisation cannot be its own parent."), field="parent")
    if parent.level not in ALLOWED_PARENT_LEVELS[level]:
        raise DomainError(
            _("A %(level)s organisation cannot have a %(parent)s parent.")
            % {"level": level, "parent": parent.level},
            field="parent",
        )
    if own is not None and any(a.pk == own.pk for a in selectors.organisation_ancestors(parent)):
        raise DomainError(
            _("This parent is below the organisation: that would make a cycle."), field="parent"
        )


@transaction.atomic
def organisation_create(
    *,
    code: str,
    name: str,
    level: str,
    parent: Organisation | None = None,
    home_area: Area | None = None,
    website: str = "",
    logo: str = "",
) -> Organisation:
    """Create an organisation; the code is its stable, URL-safe handle and must be unique."""
    _validate_code(code)
    _validate_name(name)
    _validate_level(level)
    _validate_parent(level=level, parent=parent, own=None)
    if Organisation.objects.filter(code=code).exists():
        raise Conflict(_("An organisation with this code already exists."), field="code")
    organisation = Organisation.objects.create(
        code=code,
        name=name.strip(),
        level=level,
        parent=parent,
        home_area=home_area,
        website=website,
        logo=logo,
    )
    event_publish(
        topic="organisations.organisation_created",
        payload={"organisation_id": str(organisation.pk)},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    name: str = UNSET,
    level: str = UNSET,
    parent: Organisation | None = UNSET,
    home_area: Area | None = UNSET,
    website: str = UNSET,
    logo: str = UNSET,
    is_active: bool = UNSET,
) -> Organisation:
    """Change some fields; the level/parent rules hold for the organisation and its children."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    new_level = organisation.level if level is UNSET else level
    new_parent = organisation.parent if parent is UNSET else parent
    if name is not UNSET:
        _validate_name(name)
        organisation.name = name.strip()
    if level is not UNSET:
        _validate_level(level)
    if level is not UNSET or parent is not UNSET:
        _validate_parent(level=new_level, parent=new_parent, own=organisation)
    if level is not UNSET:
        for child in organisation.children.all():
            if new_level not in ALLOWED_PARENT_LEVELS[child.level]:
                raise DomainError(
                    _("Its child %(child)s cannot have a %(level)s parent.")
                    % {"child": child.code, "level": new_level},
                    field="level",
                )
    organisation.level = new_level
    organisation.parent = new_parent
    for field, value in (
        ("home_area", home_area),
        ("website", website),
        ("logo", logo),
        ("is_active", is_active),
    ):
        if value is not UNSET:
            setattr(organisation, field, value)
    organisation.save()
    event_publish(
        topic="organisations.organisation_updated",
        payload={"organisation_id": str(organisation.pk)},
    )
    return organisation


@transaction.atomic
def jurisdiction_add(*, organisation: Organisation, area: Area) -> Jurisdiction:
    """Make `organisation` competent for `area` and everything inside it."""
    if Jurisdiction.objects.filter(organisation=organisation, area=area).exists():
        raise Conflict(_("The organisation already serves this area."), field="area")
    jurisdiction = Jurisdiction.objects.create(organisation=organisation, area=area)
    event_publish(
        topic="organisations.jurisdiction_added",
        payload={"organisation_id": str(organisation.pk), "area_id": str(area.pk)},
    )
    return jurisdiction


@transaction.atomic
def jurisdiction_remove(*, organisation: Organisation, area: Area) -> None:
    deleted, _rows = Jurisdiction.objects.filter(organisation=organisation, area=area).delete()
    if not deleted:
        raise NotFound(_("The organisation does not serve this area."), field="area")
    event_publish(
        topic="organisations.jurisdiction_removed",
        payload={"organisation_id": str(organisation.pk), "area_id": str(area.pk)},
    )


def _require_admin(actor: Any, organisation: Organisation) -> None:
    if not selectors.user_has_role(actor, organisation, StaffRole.Role.ADMIN):
        raise Refused(
            _("Only an administrator of this organisation or of a parent organisation may do this.")
        )


def _validate_role(role: str) -> None:
    if role not in StaffRole.Role.values:
        raise DomainError(_("Choose a role."), field="role")


@transaction.atomic
def staff_role_grant(
    *, granted_by: Any, user: Any, organisation: Organisation, role: str
) -> StaffRole:
    """Give `user` a role; only an admin of the organisation (or a parent of it) may."""
    _validate_role(role)
    _require_admin(granted_by, organisation)
    if StaffRole.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise Conflict(_("This person already has this role here."), field="role")
    staff_role = StaffRole.objects.create(user=user, organisation=organisation, role=role)
    event_publish(
        topic="organisations.staff_role_granted",
        payload={
            "staff_role_id": staff_role.pk,
            "user_id": str(user.pk),
            "organisation_id": str(organisation.pk),
            "role": role,
            "by_user_id": str(granted_by.pk),
        },
    )
    return staff_role


@transaction.atomic
def staff_role_revoke(*, revoked_by: Any, user: Any, organisation: Organisation, role: str) -> None:
    """Take a role away; an organisation never loses its last administrator."""
    _validate_role(role)
    _require_admin(revoked_by, organisation)
    # Lock the organisation's admin rows so two concurrent revocations cannot both pass.
    admins = list(
        StaffRole.objects.select_for_update()
        .filter(organisation=organisation, role=StaffRole.Role.ADMIN)
        .values_list("user_id", flat=True)
    )
    staff_role = StaffRole.objects.filter(user=user, organisation=organisation, role=role).first()
    if staff_role is None:
        raise NotFound(_("This person does not have this role here."), field="role")
    if role == StaffRole.Role.ADMIN and admins == [user.pk]:
        raise Conflict(
            _("This is the organisation's last administrator: grant another one first."),
            field="role",
        )
    staff_role_id = staff_role.pk
    staff_role.delete()
    event_publish(
        topic="organisations.staff_role_revoked",
        payload={
            "staff_role_id": staff_role_id,
            "user_id": str(user.pk),
            "organisation_id": str(organisation.pk),
            "role": role,
            "by_user_id": str(revoked_by.pk),
        },
    )


def _staff_user_create(*, username: str, email: str, organisation: Organisation) -> Any:
    """The first administrator's account, made by identity (which owns accounts).

    The account has no usable password: the administrator sets one (and a second factor)
    through the staff sign-in's invitation or reset journey.
    """
    # Imported here: identity's services import organisation models, keep the arrow one way
    # at import time.
    from govdoor.identity.services import staff_user_create

    return staff_user_create(
        username=username, email=email, organisation=organisation, role=StaffRole.Role.ADMIN
    )


def _check_onboarding(
    *, code: str, name: str, area_code: str, area_name: str, admin_username: str, admin_email: str
) -> None:
    _validate_code(code)
    _validate_name(name)
    if not area_code or len(area_code) > 32 or not AREA_CODE_PATTERN.match(area_code):
        raise DomainError(
            _("Enter an area code of letters, digits, dots, hyphens or underscores (at most 32)."),
            field="area_code",
        )
    _validate_name(area_name, field="area_name")
    if not admin_username or len(admin_username) > 150:
        raise DomainError(_("Enter a username of at most 150 characters."), field="admin_username")
    try:
        validate_email(admin_email)
    except ValidationError:
        raise DomainError(
            _("Enter an email address in the correct format, like name@example.org."),
            field="admin_email",
        ) from None
    if Organisation.objects.filter(code=code).exists():
        raise Conflict(_("An organisation with this code already exists."), field="code")
    if Area.objects.filter(code=area_code).exists():
        raise Conflict(_("An area with this code already exists."), field="area_code")
    if get_user_model().objects.filter(username=admin_username).exists():
        raise Conflict(_("An account with this username already exists."), field="admin_username")


@transaction.atomic
def municipality_onboard(
    *,
    code: str,
    name: str,
    area_code: str,
    area_name: str,
    region_code: str,
    admin_username: str,
    admin_email: str,
    parent: Organisation | None = None,
    actor: Any = None,
) -> Onboarding:
    """A new municipality in one transaction: its area, its organisation, its first admin.

    The organisation has no parent unless one is given: municipalities are autonomous in most
    countries, and a regional administrator would otherwise inherit the admin role there.
    When `actor` is given, only an administrator of a central or regional organisation may.
    """
    if actor is not None and not selectors.user_can_onboard(actor):
        raise Refused(_("Only administrators of a central or regional organisation may onboard."))
    region = Area.objects.filter(code=region_code, kind=Area.Kind.REGION).first()
    if region is None:
        raise NotFound(_("No region with this code."), field="region_code")
    _check_onboarding(
        code=code,
        name=name,
        area_code=area_code,
        area_name=area_name,
        admin_username=admin_username,
        admin_email=admin_email,
    )
    area = Area.objects.create(
        code=area_code, name=area_name.strip(), kind=Area.Kind.MUNICIPALITY, parent=region
    )
    organisation = organisation_create(
        code=code, name=name, level=Organisation.Level.LOCAL, parent=parent, home_area=area
    )
    jurisdiction_add(organisation=organisation, area=area)
    admin = _staff_user_create(
        username=admin_username, email=admin_email, organisation=organisation
    )
    payload = {
        "organisation_id": str(organisation.pk),
        "area_id": str(area.pk),
        "admin_user_id": str(admin.pk),
    }
    if actor is not None:
        payload["by_user_id"] = str(actor.pk)
    event_publish(topic="organisations.organisation_onboarded", payload=payload)
    return Onboarding(organisation=organisation, area=area, admin=admin)
