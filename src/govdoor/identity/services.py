"""Writing people, accounts and mandates (keyword-only, one transaction each).

Why mandates publish events: messaging tells the person who gave a mandate when it is used
or ends, without identity knowing about messaging.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, Refused
from govdoor.core.events import event_publish
from govdoor.identity.models import FamilyLink, Mandate, Person, User
from govdoor.identity.national_id import national_id_valid
from govdoor.identity.selectors import national_id_index, person_by_national_id
from govdoor.organisations.models import Organisation, StaffRole

GRANTABLE_KINDS = (Mandate.Kind.REPRESENTATIVE,)
MAX_SCOPE_ITEMS = 50


@transaction.atomic
def person_create(
    *,
    national_id: str,
    given_name: str,
    family_name: str,
    birth_date: dt.date,
    sex: str = Person.Sex.OTHER,
    language: str = "en",
) -> Person:
    """Register a person; refuses a malformed or already registered national number."""
    nid = national_id.strip()
    if not national_id_valid(nid):
        raise DomainError(_("Enter a valid national number (9 digits)."), field="national_id")
    if not given_name.strip() or not family_name.strip():
        raise DomainError(_("Enter the person's name."), field="family_name")
    if birth_date > clock.today():
        raise DomainError(_("The birth date cannot be in the future."), field="birth_date")
    if person_by_national_id(nid) is not None:
        raise Conflict(
            _("A person with this national number is already registered."), field="national_id"
        )
    return Person.objects.create(
        national_id=nid,
        national_id_index=national_id_index(nid),
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        birth_date=birth_date,
        sex=sex,
        language=language,
    )


@transaction.atomic
def user_for_person(*, person: Person) -> User:
    """The sign-in account of `person`, created (without a password) on first sign-in."""
    user = User.objects.filter(person=person).first()
    if user is not None:
        return user
    user = User(
        username=f"p-{person.pk}",
        person=person,
        first_name=person.given_name,
        last_name=person.family_name,
        preferred_language=person.language,
    )
    user.set_unusable_password()
    try:
        # A savepoint, so a concurrent first sign-in of the same person (which wins the
        # unique username) does not break the caller's transaction: we take its row instead.
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return User.objects.get(person=person)
    return user


def _eighteenth_birthday(birth_date: dt.date) -> dt.date:
    try:
        return birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # 29 February
        return birth_date.replace(year=birth_date.year + 18, day=28) + dt.timedelta(days=1)


@transaction.atomic
def register_mandates_sync(*, person: Person) -> list[Mandate]:
    """Mandates a parent or guardian holds for minor children, as the population register says.

    Idempotent: run at every sign-in. A mandate ends the day before the child turns 18.
    """
    today = clock.today()
    kinds: dict[str, str] = {
        FamilyLink.Kind.PARENT: Mandate.Kind.PARENT,
        FamilyLink.Kind.GUARDIAN: Mandate.Kind.GUARDIAN,
    }
    created: list[Mandate] = []
    links = FamilyLink.objects.filter(person=person, kind__in=list(kinds)).select_related(
        "relative"
    )
    for link in links:
        child = link.relative
        until = _eighteenth_birthday(child.birth_date) - dt.timedelta(days=1)
        if until < today or child.deceased_on is not None:
            continue
        exists = Mandate.objects.filter(
            representative=person,
            represented_person=child,
            kind=kinds[link.kind],
            source="register",
            revoked_at__isnull=True,
        ).exists()
        if not exists:
            created.append(
                Mandate.objects.create(
                    representative=person,
                    represented_person=child,
                    kind=kinds[link.kind],
                    scope=["*"],
                    valid_from=child.birth_date,
                    valid_until=until,
                    source="register",
                )
            )
    return created


def _clean_scope(scope: Sequence[str]) -> list[str]:
    if isinstance(scope, str) or not scope:
        raise DomainError(_("Choose at least one service or topic."), field="scope")
    cleaned = sorted({str(s).strip() for s in scope if str(s).strip()})
    if not cleaned or len(cleaned) > MAX_SCOPE_ITEMS or any(len(s) > 64 for s in cleaned):
        raise DomainError(_("The scope must list 1 to 50 service codes."), field="scope")
    return cleaned


@transaction.atomic
def mandate_grant(
    *,
    grantor: Person,
    representative: Person,
    kind: str = Mandate.Kind.REPRESENTATIVE,
    scope: Sequence[str] = ("*",),
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Mandate:
    """`grantor` lets `representative` act for them within `scope`, from/until the dates."""
    today = clock.today()
    valid_from = valid_from or today
    if kind not in GRANTABLE_KINDS:
        raise DomainError(
            _("You can only give a mandate to an authorised representative."), field="kind"
        )
    if representative.pk == grantor.pk:
        raise DomainError(_("You cannot give a mandate to yourself."), field="representative")
    if representative.deceased_on is not None:
        raise DomainError(_("This person cannot hold a mandate."), field="representative")
    if valid_from < today:
        raise DomainError(_("The start date cannot be in the past."), field="valid_from")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(
            _("The end date must be on or after the start date."), field="valid_until"
        )
    mandate = Mandate.objects.create(
        representative=representative,
        represented_person=grantor,
        kind=kind,
        scope=_clean_scope(scope),
        valid_from=valid_from,
        valid_until=valid_until,
        source="person",
    )
    event_publish(
        topic="identity.mandate_granted",
        payload={
            "mandate_id": str(mandate.pk),
            "representative_id": str(representative.pk),
            "represented_person_id": str(grantor.pk),
        },
    )
    return mandate


@transaction.atomic
def mandate_revoke(*, mandate: Mandate, by: Person, reason: str = "") -> Mandate:
    """The person who gave a mandate, or who holds it, ends it now.

    Mandates from the register end only when the register changes.
    """
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if by.pk not in (mandate.represented_person_id, mandate.representative_id):
        raise Refused(_("Only the people named in a mandate can revoke it."))
    if mandate.source != "person":
        raise Refused(_("This mandate comes from the register and cannot be revoked here."))
    if mandate.revoked_at is not None:
        raise Conflict(_("This mandate has already been revoked."))
    mandate.revoked_at = clock.now()
    mandate.revoked_reason = reason[:300]
    mandate.save(update_fields=["revoked_at", "revoked_reason"])
    event_publish(
        topic="identity.mandate_revoked",
        payload={"mandate_id": str(mandate.pk), "revoked_by_id": str(by.pk)},
    )
    return mandate


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    email: str,
    organisation: Organisation,
    password: str | None = None,
    roles: Sequence[str] = (),
    role: str | None = None,
    totp_key: str | None = None,
) -> User:
    """A staff account with roles in `organisation`.

    Without a password the account cannot sign in until one is set (invitation journey).
    With `totp_key` (40 hex digits, as django-otp stores it) the account gets a confirmed
    TOTP device (the demo country's staff); without one, the first sign-in asks to enrol.
    Why `role` beside `roles`: the organisation onboarding passes a single first admin.
    """
    wanted = list(dict.fromkeys([*roles, *([role] if role else [])]))
    unknown = [r for r in wanted if r not in StaffRole.Role.values]
    if not wanted or unknown:
        raise DomainError(_("Choose at least one valid role."), field="roles")
    if not username.strip() or User.objects.filter(username=username).exists():
        raise Conflict(_("This username is already taken."), field="username")
    user = User(username=username, email=email, is_staff=StaffRole.Role.ADMIN in wanted)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    for name in wanted:
        StaffRole.objects.create(user=user, organisation=organisation, role=name)
    if totp_key is not None:
        try:
            if len(bytes.fromhex(totp_key)) < 10:
                raise ValueError
        except ValueError:
            raise DomainError(
                _("The TOTP key must be hex (at least 20 digits)."), field="totp_key"
            ) from None
        TOTPDevice.objects.create(user=user, name="default", key=totp_key.lower(), confirmed=True)
    return user
