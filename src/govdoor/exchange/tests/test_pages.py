"""Portal pages (consent, objections, agencies told) and the back-office page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from govdoor.core import clock
from govdoor.exchange import selectors, tellusonce
from govdoor.exchange.models import AccessPolicy, Consent, Delivery, Objection, Subscription
from govdoor.exchange.tests.factories import PersonFactory, PolicyFactory, UserFactory, keeper_user
from govdoor.identity.decorators import SESSION_LOA
from govdoor.identity.testing import sign_in_staff
from govdoor.ledger.services import ledger_append

pytestmark = pytest.mark.django_db
EVENT = "0190b8c4-0000-7000-8000-00000000000a"


def person_client(person):
    client = Client()
    client.force_login(UserFactory(person=person))
    session = client.session
    session[SESSION_LOA] = 1
    session.save()
    return client


def staff_client(user):
    return sign_in_staff(Client(), user)


def test_the_pages_need_a_signed_in_person_or_staff(db):
    for url in ("/my/consents/", "/my/objections/", "/backoffice/exchange/"):
        assert Client().get(url).status_code == 302


def test_a_person_gives_and_withdraws_consent(person, purpose, tax):
    purpose.consent_required = True
    purpose.save()
    client = person_client(person)
    page = client.get("/my/consents/").content.decode()
    assert "You have not given any consent." in page and purpose.description in page
    response = client.post("/my/consents/", {"purpose": purpose.code, "organisation": "tax"})
    assert response.status_code == 302
    consent = Consent.objects.get(person=person)
    assert consent.fields == sorted(purpose.allowed_fields)
    assert "Tax Agency" in client.get("/my/consents/").content.decode()
    client.post(f"/my/consents/{consent.pk}/revoke/")
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_a_person_consents_by_choosing_one_organisation_and_purpose_pair(
    person, purpose, tax, keeper_org
):
    purpose.consent_required = True
    purpose.save()
    client = person_client(person)
    page = client.get("/my/consents/").content.decode()
    assert f'value="{purpose.code}/{tax.code}"' in page
    assert f'value="{purpose.code}/{keeper_org.code}"' not in page  # it does not use it
    for refused in (f"{purpose.code}/{keeper_org.code}", f"{purpose.code}/", "nonsense", ""):
        response = client.post("/my/consents/", {"choice": refused}, follow=True)
        assert "Choose a purpose and an organisation." in response.content.decode(), refused
    assert not Consent.objects.exists()
    response = client.post("/my/consents/", {"choice": f"{purpose.code}/{tax.code}"})
    assert response.status_code == 302
    assert Consent.objects.get(person=person).organisation == tax


def test_a_person_objects_to_sharing_data_from_one_register_named_in_words(
    person, population, tax, purpose
):
    client = person_client(person)
    page = client.get("/my/objections/").content.decode()
    assert f'<option value="{population.code}">{population.name}</option>' in page
    page = client.post("/my/objections/", {"register": "no-such-register"}, follow=True)
    assert page.status_code == 200 and not Objection.objects.exists()
    client.post("/my/objections/", {"register": population.code, "recipient": "tax"})
    objection = Objection.objects.get()
    assert objection.register_code == population.code and objection.recipient == tax
    page = client.get("/my/objections/").content.decode()
    assert f'class="govuk-table__cell">{population.name}</td>' in page


def test_another_persons_consent_cannot_be_withdrawn(person, purpose, tax):
    consent = Consent.objects.create(
        person=person, organisation=tax, purpose=purpose, fields=[], given_at=clock.now()
    )
    other = person_client(PersonFactory())
    assert other.post(f"/my/consents/{consent.pk}/revoke/").status_code == 404
    assert other.post("/my/consents/not-an-id/revoke/").status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_a_person_objects_and_is_told_why_a_mandatory_purpose_cannot_be_objected_to(
    person, purpose, tax
):
    client = person_client(person)
    client.post("/my/objections/", {"recipient": "tax", "purpose": ""})
    objection = Objection.objects.get()
    assert objection.recipient == tax and objection.purpose is None
    purpose.mandatory = True
    purpose.save()
    page = client.post("/my/objections/", {"purpose": purpose.code}, follow=True)
    assert "You cannot object to this use" in page.content.decode()
    assert purpose.legal_basis in page.content.decode()
    assert Objection.objects.count() == 1
    client.post(f"/my/objections/{objection.pk}/withdraw/")
    objection.refresh_from_db()
    assert objection.withdrawn_at is not None
    assert (
        person_client(PersonFactory()).post(f"/my/objections/{objection.pk}/withdraw/").status_code
        == 404
    )


def test_the_person_sees_which_agencies_were_told_about_their_move(person, purpose, policy, tax):
    subscription = Subscription.objects.create(
        organisation=tax, purpose=purpose, topic=tellusonce.TOPICS[0], plugin="demo"
    )
    Delivery.objects.create(
        subscription=subscription,
        event_id=EVENT,
        topic=tellusonce.TOPICS[0],
        subject_ref=str(person.pk),
        status="delivered",
        next_attempt_at=clock.now(),
        created_at=clock.now(),
        delivered_at=clock.now(),
    )
    page = person_client(person).get("/my/consents/").content.decode()
    assert "We told these agencies about your changes" in page and "Tax Agency" in page
    other = person_client(PersonFactory()).get("/my/consents/").content.decode()
    assert "Tax Agency" not in other


def test_agencies_told_of_one_change_are_listed_under_it_the_latest_change_first(
    person, purpose, tax, keeper_org
):
    moved, family = EVENT, "0190b8c4-0000-7000-8000-00000000000b"
    earlier = clock.now() - dt.timedelta(days=3)
    for org, event, topic, at in (
        (tax, moved, tellusonce.TOPICS[0], earlier),
        (keeper_org, moved, tellusonce.TOPICS[0], earlier + dt.timedelta(seconds=2)),
        (tax, family, tellusonce.TOPICS[1], clock.now()),
    ):
        subscription, _ = Subscription.objects.get_or_create(
            organisation=org, purpose=purpose, topic=topic, plugin="demo"
        )
        Delivery.objects.create(
            subscription=subscription,
            event_id=event,
            topic=topic,
            subject_ref=str(person.pk),
            status="delivered",
            next_attempt_at=at,
            created_at=at,
            delivered_at=at,
        )
    changes = selectors.changes_told(person_id=person.pk)
    assert [c["topic"] for c in changes] == [tellusonce.TOPICS[1], tellusonce.TOPICS[0]]
    assert [t["organisation"] for t in changes[1]["told"]] == sorted([tax.name, keeper_org.name])
    assert changes[1]["at"] == earlier
    page = person_client(person).get("/my/consents/").content.decode()
    family_at, move_at = page.index("A change in your family"), page.index("Your change of address")
    assert family_at < move_at
    assert page.count(f"{tax.name}: {purpose.name}") == 2


def test_every_change_agencies_can_subscribe_to_has_words_for_the_person():
    from govdoor.exchange.views import TOPIC_WORDS

    assert set(TOPIC_WORDS) == set(tellusonce.TOPICS)


def test_the_keeper_approves_a_policy_and_retries_a_dead_delivery_in_the_back_office(
    keeper_org, policy, purpose
):
    policy.status = "proposed"
    policy.save()
    client = staff_client(keeper_user(keeper_org))
    page = client.get("/backoffice/exchange/").content.decode()
    assert purpose.name in page and "Approve" in page
    client.post(f"/backoffice/exchange/policies/{policy.pk}/decision/", {"decision": "approve"})
    policy.refresh_from_db()
    assert policy.status == "approved"
    subscription = Subscription.objects.create(
        organisation=keeper_org, purpose=purpose, topic=tellusonce.TOPICS[0], plugin="demo"
    )
    dead = Delivery.objects.create(
        subscription=subscription,
        event_id="0190b8c4-0000-7000-8000-00000000000b",
        topic=tellusonce.TOPICS[0],
        status="dead",
        attempts=6,
        last_error="HTTP 500",
        next_attempt_at=clock.now(),
        created_at=clock.now(),
    )
    assert "HTTP 500" in client.get("/backoffice/exchange/").content.decode()
    client.post(f"/backoffice/exchange/deliveries/{dead.pk}/retry/")
    dead.refresh_from_db()
    assert dead.status == "pending"


def test_the_keeper_sees_the_policies_it_must_decide_first_a_page_at_a_time(
    keeper_org, policy, purpose, tax, django_assert_max_num_queries
):
    policy.status = "proposed"
    policy.save()
    AccessPolicy.objects.filter(pk=policy.pk).update(created_at=clock.now() - dt.timedelta(days=9))
    for n in range(30):  # newer, already decided
        PolicyFactory(purpose=purpose, requester=tax, keeper=keeper_org, fields=[f"f{n}"])
    client = staff_client(keeper_user(keeper_org))
    with CaptureQueriesContext(connection) as first:
        page = client.get("/backoffice/exchange/").content.decode()
    queries = len(first.captured_queries)  # now: the next request clears the log
    assert queries > 0
    rows = page.split('<tr class="govuk-table__row">')
    assert 'value="approve"' in rows[2]  # the first policy row is the one waiting
    assert "Page 1 of 2" in page and "population: street, birth_date; age_over_18 (derived)" in page
    last = client.get("/backoffice/exchange/?page=2").content.decode()
    assert "Page 2 of 2" in last and 'value="approve"' not in last
    for n in range(30, 60):
        PolicyFactory(purpose=purpose, requester=tax, keeper=keeper_org, fields=[f"f{n}"])
    with django_assert_max_num_queries(queries):
        client.get("/backoffice/exchange/")


def test_a_requester_cannot_decide_its_own_policy_in_the_back_office(tax, policy):
    policy.status = "proposed"
    policy.save()
    client = staff_client(keeper_user(tax))
    response = client.post(
        f"/backoffice/exchange/policies/{policy.pk}/decision/", {"decision": "approve"}
    )
    assert response.status_code == 404
    policy.refresh_from_db()
    assert policy.status == "proposed"


def test_the_requester_withdraws_its_approved_policy_in_the_back_office(tax, policy):
    client = staff_client(keeper_user(tax, role="service_owner"))
    assert "Withdraw" in client.get("/backoffice/exchange/").content.decode()
    url = f"/backoffice/exchange/policies/{policy.pk}/decision/"
    assert client.post(url, {"decision": "withdraw"}).status_code == 302
    policy.refresh_from_db()
    assert policy.status == "withdrawn"


def test_a_service_owner_proposes_a_policy_in_the_back_office_for_the_keeper_to_decide(
    tax, purpose, population, keeper_org
):
    from govdoor.exchange.models import AccessPolicy

    client = staff_client(keeper_user(tax, role="service_owner"))
    page = client.get("/backoffice/exchange/").content.decode()
    assert "Propose a policy" in page and purpose.name in page
    response = client.post(
        "/backoffice/exchange/policies/propose/",
        {
            "purpose": purpose.code,
            "register": "population",
            "fields": "street, age_over_18",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    policy = AccessPolicy.objects.get()
    assert (policy.status, policy.requester, policy.keeper) == ("proposed", tax, keeper_org)
    assert policy.fields == ["street"] and policy.derived == ["age_over_18"]
    keeper_page = staff_client(keeper_user(keeper_org)).get("/backoffice/exchange/")
    assert "Approve" in keeper_page.content.decode()


POP = {"register": "population"}


@pytest.mark.parametrize(
    ("role", "data", "words"),
    [
        ("case_worker", {**POP, "purpose": "P", "fields": "street"}, "service owner"),
        ("service_owner", {**POP, "purpose": "P", "fields": "town"}, "does not allow"),
        ("service_owner", {**POP, "purpose": "nope", "fields": "street"}, "Choose a purpose"),
        ("service_owner", {**POP, "purpose": "P", "fields": "street", "valid_from": "x"}, "YYYY"),
    ],
)
def test_a_bad_proposal_in_the_back_office_is_refused_with_the_reason(
    tax, purpose, population, role, data, words
):
    from govdoor.exchange.models import AccessPolicy

    client = staff_client(keeper_user(tax, role=role))
    data = {**data, "purpose": purpose.code if data["purpose"] == "P" else data["purpose"]}
    response = client.post("/backoffice/exchange/policies/propose/", data, follow=True)
    assert words in response.content.decode()
    assert not AccessPolicy.objects.exists()


def test_who_used_my_data_words_an_exchange_purpose_by_its_description(person, purpose, tax):
    purpose.description = "To work out the housing benefit you are owed."
    purpose.save()
    with transaction.atomic():
        ledger_append(
            subject_id=str(person.pk),
            actor_org=tax.code,
            actor_user=None,
            action="disclose",
            purpose=purpose.code,
            legal_basis=purpose.legal_basis,
            fields=["population.street"],
        )
    html = person_client(person).get("/my/data-uses/").content.decode()
    assert "To work out the housing benefit you are owed." in html
    assert f"Purpose code: {purpose.code}" in html
