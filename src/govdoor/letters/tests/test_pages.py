from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from govdoor.core import clock
from govdoor.identity.decorators import SESSION_ACTING_FOR
from govdoor.identity.services import mandate_revoke
from govdoor.identity.tests.factories import MandateFactory, PersonFactory
from govdoor.letters.models import Letter
from govdoor.letters.selectors import letter_verify
from govdoor.letters.services import letter_pdf, signing_identity_for
from govdoor.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
PDF_LINK = re.compile(r'href="/my/letters/[0-9a-f-]{36}\.pdf"')


def _download(letter) -> str:
    return reverse("letters:download", kwargs={"letter_id": letter.pk})


def _staff_download(letter) -> str:
    return reverse("letters:bo-download", kwargs={"letter_id": letter.pk})


# --- The person and their representatives ---------------------------------------------------


def test_a_person_downloads_their_signed_letter(client, sign_in, person, issue) -> None:
    letter = issue()
    assert _download(letter) == f"/my/letters/{letter.pk}.pdf"
    sign_in(client, person)
    response = client.get(_download(letter))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="GD-2026-000123-decision.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert letter_verify(pdf=response.content).valid


def test_downloading_needs_a_signed_in_person(client, issue) -> None:
    response = client.get(_download(issue()))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_someone_elses_letter_and_an_unknown_one_answer_404(client, sign_in, issue) -> None:
    letter = issue()
    sign_in(client, PersonFactory())
    assert client.get(_download(letter)).status_code == 404
    assert client.get("/my/letters/0190a000-0000-7000-8000-000000000000.pdf").status_code == 404


def test_a_representative_acting_under_a_mandate_downloads_the_letter(
    client, sign_in, person, issue
) -> None:
    letter = issue()
    mandate = MandateFactory(represented_person=person)
    sign_in(client, mandate.representative)
    assert client.get(_download(letter)).status_code == 404  # acting for themself
    session = client.session
    session[SESSION_ACTING_FOR] = str(mandate.pk)
    session.save()
    assert client.get(_download(letter)).status_code == 200
    listing = client.get(reverse("letters:mine")).content.decode()
    assert f"Letters for {person.full_name}" in listing and _download(letter) in listing
    assert f"You are acting for {person.full_name}" in listing  # the portal's banner stays
    mandate_revoke(mandate=mandate, by=person)
    assert client.get(_download(letter)).status_code == 404


def test_my_letters_lists_only_mine_newest_first_with_bounded_queries(
    client, sign_in, person, issue, django_assert_max_num_queries
) -> None:
    first = issue(title="Receipt of your application", kind="receipt")
    second = issue(title="Decision on your application")
    stranger = PersonFactory()
    issue(title="Somebody else's decision", person_id=stranger.pk)
    sign_in(client, person)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("letters:mine"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(second.title) < html.index(first.title)
    assert "Somebody else" not in html
    assert _download(first) in html and "Family Benefits Agency" in html


def test_my_letters_is_paginated(client, sign_in, person, organisation) -> None:
    identity = signing_identity_for(organisation)
    Letter.objects.bulk_create(
        Letter(
            organisation=organisation,
            kind="receipt",
            language="en",
            reference=f"GD-{n}",
            title=f"Letter number {n:02d}",
            person=person,
            signing_identity=identity,
            sha256=f"{n:064x}",
            size=1,
            pdf_sealed=b"",
            created_at=clock.now(),
        )
        for n in range(30)
    )
    sign_in(client, person)
    html = client.get(reverse("letters:mine")).content.decode()
    assert len(PDF_LINK.findall(html)) == 25 and "Page 1 of 2" in html
    assert (
        len(PDF_LINK.findall(client.get(reverse("letters:mine") + "?page=2").content.decode())) == 5
    )


# --- Staff of the issuing organisation --------------------------------------------------------


def test_a_case_worker_of_the_issuing_organisation_downloads_and_it_is_ledgered(
    client, staff_of, organisation, person, issue
) -> None:
    from govdoor.ledger.selectors import data_uses_queryset

    letter = issue()
    staff_of(client, organisation, "case_worker")
    response = client.get(_staff_download(letter))
    assert response.status_code == 200 and response.content == letter_pdf(letter=letter)
    records = [json.loads(r.body) for r in data_uses_queryset([str(person.pk)])]
    assert len(records) == 1
    assert records[0]["actor"]["org"] == "family-agency"
    assert records[0]["action"] == "read" and records[0]["fields"] == ["letter"]
    assert records[0]["actor"]["user"] == str(response.wsgi_request.user.pk)


def test_staff_of_another_organisation_or_without_a_case_role_get_404(
    client, staff_of, organisation, person, issue
) -> None:
    from govdoor.ledger.selectors import data_uses_queryset

    letter = issue()
    staff_of(client, OrganisationFactory(), "case_worker")
    assert client.get(_staff_download(letter)).status_code == 404
    client.logout()
    staff_of(client, organisation, "service_owner")
    assert client.get(_staff_download(letter)).status_code == 404
    assert not data_uses_queryset([str(person.pk)]).exists()


def test_when_the_ledger_cannot_record_the_download_nothing_is_disclosed(
    client, staff_of, organisation, issue, monkeypatch
) -> None:
    from govdoor.core.errors import Unavailable
    from govdoor.ledger import services as ledger

    def ledger_down(**kwargs):
        raise Unavailable("The data-use ledger cannot record this access right now.")

    monkeypatch.setattr(ledger, "ledger_append", ledger_down)
    letter = issue()
    staff_of(client, organisation, "auditor")
    response = client.get(_staff_download(letter))
    assert response.status_code == 503 and response["Retry-After"] == "120"
    assert b"%PDF" not in response.content


def test_a_person_is_sent_to_staff_sign_in_for_the_back_office_download(
    client, sign_in, person, issue
) -> None:
    sign_in(client, person)
    response = client.get(_staff_download(issue()))
    assert response.status_code == 302 and "/staff/" in response["Location"]


def test_the_back_office_lists_the_letters_the_organisation_sent(
    client, staff_of, organisation, issue, django_assert_max_num_queries
) -> None:
    mine = issue()
    other = issue(organisation=OrganisationFactory(name="Other Agency"), title="Not ours")
    staff_of(client, organisation)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("letters:bo-list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert _staff_download(mine) in html and _staff_download(other) not in html
    assert "Letters sent by Family Benefits Agency" in html
