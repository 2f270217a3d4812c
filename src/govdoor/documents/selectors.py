"""Reading documents. Selectors never write and never return content (services do, checked)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from govdoor.core.errors import NotFound
from govdoor.core.ids import uuid_or_none
from govdoor.documents.models import Document, DocumentShare
from govdoor.organisations.models import Organisation
from govdoor.organisations.selectors import user_has_any_role


def document_get(document_id: object) -> Document:
    """One document by id, no permission check (services check); NotFound otherwise."""
    pk = uuid_or_none(document_id)
    document = Document.objects.filter(pk=pk).first() if pk else None
    if document is None:
        raise NotFound(_("No such document."))
    return document


def documents_of_person(*, person_id: object) -> QuerySet[Document]:
    """A person's documents, newest first."""
    return Document.objects.filter(owner_person_id=uuid_or_none(person_id)).order_by(
        "-created_at", "-id"
    )


def documents_for_case(*, case_id: object) -> QuerySet[Document]:
    """The documents shared for a case (with whichever organisation handles it), oldest first."""
    case_uuid = uuid_or_none(case_id)
    if case_uuid is None:
        return Document.objects.none()
    return (
        Document.objects.filter(shares__case_id=case_uuid).distinct().order_by("created_at", "id")
    )


def documents_shared_with(*, organisation: Organisation, case_id: object) -> QuerySet[Document]:
    """The documents of a case that `organisation` may open, oldest first."""
    case_uuid = uuid_or_none(case_id)
    if case_uuid is None:
        return Document.objects.none()
    return (
        Document.objects.filter(shares__case_id=case_uuid, shares__organisation=organisation)
        .distinct()
        .order_by("created_at", "id")
    )


def share_organisation_for(
    *, document: Document, user: Any, organisation: Organisation | None
) -> Organisation | None:
    """The organisation through which staff `user` may open `document`, if any.

    With `organisation` (the back office's current one): it must be one the document was
    shared with, and the user must hold a role there. Without: the first such organisation.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    shares = DocumentShare.objects.filter(document=document).select_related("organisation")
    if organisation is not None:
        shares = shares.filter(organisation=organisation)
    for share in shares.order_by("created_at", "id"):
        if share.organisation.is_active and user_has_any_role(user, share.organisation):
            return share.organisation
    return None


def document_is_shared(*, document: Document) -> bool:
    return DocumentShare.objects.filter(document=document).exists()
