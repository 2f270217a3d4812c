"""Writes of form definitions: save a draft version, publish it (published never changes).

Who may: a service owner (staff role) of the service's owning organisation, or an agency
system speaking for that organisation. Anyone else gets 404: another organisation's drafts
are not theirs to learn about. The drafts and submissions of people are in `filling.py`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.applications import selectors
from govdoor.applications.definition import DefinitionError, definition_errors
from govdoor.applications.models import FormDefinition, FormVersion
from govdoor.applications.prefill import prefill_definition_check
from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, NotFound
from govdoor.organisations.models import StaffRole
from govdoor.organisations.selectors import user_has_role

SERVICE_OWNER = StaffRole.Role.SERVICE_OWNER


class DefinitionInvalid(DomainError):
    """The definition breaks its schema or a semantic rule; `errors` lists each with a path."""

    def __init__(self, errors: list[DefinitionError]) -> None:
        first = errors[0]
        super().__init__(str(first), field=f"definition.{first.path}" if first.path else None)
        self.errors = errors


def may_edit_form(*, service: Any, user: Any = None, organisation: Any = None) -> bool:
    if organisation is not None:
        return bool(organisation.pk == service.owner_id)
    return user is not None and user_has_role(user, service.owner, SERVICE_OWNER)


def _require_owner(*, service: Any, user: Any, organisation: Any, check: bool) -> None:
    if check and not may_edit_form(service=service, user=user, organisation=organisation):
        raise NotFound(_("No form for this service."))


def definition_check(*, service: Any, definition: Any) -> None:
    errors = definition_errors(definition, prefill_check=prefill_definition_check(service.owner))
    if errors:
        raise DefinitionInvalid(errors)


def _form_for(service: Any) -> FormDefinition:
    form = selectors.form_of_service(service)
    if form is None:
        now = clock.now()
        form = FormDefinition.objects.create(service=service, created_at=now, updated_at=now)
    return form


@transaction.atomic
def form_draft_save(
    *,
    service: Any,
    definition: Any,
    user: Any = None,
    organisation: Any = None,
    check: bool = True,
) -> FormVersion:
    """Save the editable version (created on first save, or after a publish)."""
    _require_owner(service=service, user=user, organisation=organisation, check=check)
    definition_check(service=service, definition=definition)
    form = _form_for(service)
    FormDefinition.objects.select_for_update().filter(pk=form.pk).first()
    now = clock.now()
    draft = selectors.version_draft(form)
    if draft is None:
        last = selectors.versions_of(form).first()
        return FormVersion.objects.create(
            form=form,
            number=(last.number + 1) if last else 1,
            definition=definition,
            status=FormVersion.Status.DRAFT,
            created_at=now,
            updated_at=now,
        )
    _editable(draft)
    draft.definition = definition
    draft.updated_at = now
    draft.save(update_fields=["definition", "updated_at"])
    return draft


def _editable(version: FormVersion) -> None:
    if version.status == FormVersion.Status.PUBLISHED:
        raise Conflict(_("A published version never changes: save a new draft."), field="status")


@transaction.atomic
def form_publish(
    *, service: Any, user: Any = None, organisation: Any = None, check: bool = True
) -> FormVersion:
    """Publish the draft version: checked again (registers and purposes may have changed)."""
    _require_owner(service=service, user=user, organisation=organisation, check=check)
    form = selectors.form_of_service(service)
    draft = selectors.version_draft(form) if form else None
    if form is None or draft is None:
        raise Conflict(_("There is no draft to publish."), field="status")
    definition_check(service=service, definition=draft.definition)
    now = clock.now()
    draft.status = FormVersion.Status.PUBLISHED
    draft.published_at = now
    draft.published_by = user if getattr(user, "is_authenticated", False) else None
    draft.updated_at = now
    draft.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    form.updated_at = now
    form.save(update_fields=["updated_at"])
    return draft
