"""Publishing makes a version people fill in; a published version never changes."""

from __future__ import annotations

import copy

import pytest
from django.db import DatabaseError, transaction

from govdoor.applications import selectors, services
from govdoor.applications.models import FormVersion
from govdoor.applications.tests.conftest import PARKING_FORM
from govdoor.core.errors import Conflict, NotFound
from govdoor.organisations.models import StaffRole
from govdoor.organisations.tests.factories import StaffRoleFactory, UserFactory


def test_publishing_freezes_the_version_and_the_next_save_drafts_the_one_after(parking):
    form = selectors.form_of_service(parking)
    first = selectors.version_published(form)
    assert first.number == 1 and first.published_at is not None
    changed = copy.deepcopy(PARKING_FORM)
    changed["title"]["en"] = "Parking permit, 2027"
    draft = services.form_draft_save(service=parking, definition=changed, check=False)
    assert (draft.number, draft.status) == (2, "draft")
    first.refresh_from_db()
    assert first.definition["title"]["en"] == "Apply for a parking permit"
    assert services.form_publish(service=parking, check=False).number == 2
    assert selectors.version_published(form).number == 2


def test_there_is_nothing_to_publish_without_a_draft(parking):
    with pytest.raises(Conflict):
        services.form_publish(service=parking, check=False)


def test_the_database_refuses_to_rewrite_a_published_version(parking):
    version = FormVersion.objects.get(form__service=parking)
    with pytest.raises(DatabaseError), transaction.atomic():
        FormVersion.objects.filter(pk=version.pk).update(definition={"pages": []})
    with pytest.raises(DatabaseError), transaction.atomic():
        FormVersion.objects.filter(pk=version.pk).update(status="draft")
    version.refresh_from_db()
    assert version.status == "published" and version.definition["pages"]


def test_only_a_service_owner_of_the_owning_organisation_edits_its_form(country, parking):
    stranger = UserFactory(username="north-owner")
    StaffRoleFactory(
        user=stranger, organisation=country["north_org"], role=StaffRole.Role.SERVICE_OWNER
    )
    worker = UserFactory(username="riverton-worker")
    StaffRoleFactory(
        user=worker, organisation=country["riverton_org"], role=StaffRole.Role.CASE_WORKER
    )
    for user in (stranger, worker):
        with pytest.raises(NotFound):
            services.form_draft_save(service=parking, definition=PARKING_FORM, user=user)
    with pytest.raises(NotFound):
        services.form_publish(service=parking, organisation=country["north_org"])
