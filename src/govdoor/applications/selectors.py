"""Reads of forms, drafts and submissions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from govdoor.applications.models import Draft, FormDefinition, FormVersion, Submission
from govdoor.core.errors import NotFound
from govdoor.core.ids import uuid_or_none


@dataclass(frozen=True)
class Subject:
    """Whom a form is filled in for: the signed-in person, or whom they act for."""

    kind: str  # "person" | "business"
    id: uuid.UUID

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def subject_of(user: Any, acting_for: Any = None) -> Subject | None:
    if acting_for is not None:
        return Subject(kind=acting_for.kind, id=acting_for.id)
    person_id = getattr(user, "person_id", None)
    return Subject(kind="person", id=person_id) if person_id else None


def form_of_service(service: Any) -> FormDefinition | None:
    return FormDefinition.objects.select_related("service").filter(service=service).first()


def version_published(form: FormDefinition) -> FormVersion | None:
    """The newest published version: the one people fill in."""
    return (
        FormVersion.objects.filter(form=form, status=FormVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def version_draft(form: FormDefinition) -> FormVersion | None:
    return FormVersion.objects.filter(form=form, status=FormVersion.Status.DRAFT).first()


def versions_of(form: FormDefinition) -> QuerySet[FormVersion]:
    return FormVersion.objects.filter(form=form).order_by("-number")


def service_has_published_form(service: Any) -> bool:
    return FormVersion.objects.filter(
        form__service=service, status=FormVersion.Status.PUBLISHED
    ).exists()


def forms_of_organisations(organisation_ids: Iterable[Any]) -> QuerySet[FormDefinition]:
    return (
        FormDefinition.objects.select_related("service", "service__owner")
        .filter(service__owner_id__in=list(organisation_ids))
        .order_by("service__name_en", "service__code")
    )


def draft_open(*, form: FormDefinition, subject: Subject) -> Draft | None:
    return (
        Draft.objects.select_related("version", "form__service__owner")
        .filter(form=form, subject_key=subject.key, submitted_at__isnull=True)
        .first()
    )


def draft_of(*, draft_id: Any, subject: Subject | None) -> Draft:
    """The subject's open draft; NotFound for anyone else's (or a submitted one)."""
    pk = uuid_or_none(draft_id)
    draft = (
        Draft.objects.select_related("version", "form__service__owner")
        .filter(pk=pk, submitted_at__isnull=True)
        .first()
        if pk and subject
        else None
    )
    if draft is None or subject is None or draft.subject_key != subject.key:
        raise NotFound(_("No such application in progress."))
    return draft


def drafts_of(subject: Subject) -> QuerySet[Draft]:
    return Draft.objects.select_related("form__service").filter(
        subject_key=subject.key, submitted_at__isnull=True
    )


def submission_by_key(key: str) -> Submission | None:
    return (
        Submission.objects.select_related("version__form__service")
        .filter(idempotency_key=key)
        .first()
    )


def submission_of(*, submission_id: Any, subject: Subject | None) -> Submission:
    """The subject's submission; NotFound for anyone else's."""
    pk = uuid_or_none(submission_id)
    found = (
        Submission.objects.select_related("version__form__service").filter(pk=pk).first()
        if pk and subject
        else None
    )
    if found is None or subject is None:
        raise NotFound(_("No such application."))
    owner = found.business_id if subject.kind == "business" else found.person_id
    if owner != subject.id or (subject.kind == "person" and found.business_id is not None):
        raise NotFound(_("No such application."))
    return found


def submissions_of(subject: Subject) -> QuerySet[Submission]:
    qs = Submission.objects.select_related("version__form__service")
    if subject.kind == "business":
        return qs.filter(business_id=subject.id)
    return qs.filter(person_id=subject.id, business__isnull=True)
