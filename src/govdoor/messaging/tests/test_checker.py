from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from govdoor.messaging.authenticity import code_new, code_normalise
from govdoor.messaging.services import message_send
from govdoor.messaging.tests.factories import (
    MessageTypeFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
URL = "/check-a-message/"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


def a_message():
    return message_send(
        organisation=OrganisationFactory(name="Vehicle Authority"),
        message_type=MessageTypeFactory(),
        person=PersonFactory(),
        personalisation={"name": "Ada Secret", "amount": "999"},
        dispatch=lambda ids: None,
    )


def test_a_real_code_names_the_organisation_but_never_the_content():
    message = a_message()
    typed = message.verification_code.lower().replace("-", " ")
    page = Client().post(URL, {"code": typed}).content.decode()
    assert "This is a real message" in page and "Vehicle Authority" in page
    assert "Ada Secret" not in page and "999" not in page


def test_a_notifications_code_is_recognised_too():
    message = a_message()
    code = message.notifications.get().verification_code
    assert "This is a real message" in Client().post(URL, {"code": code}).content.decode()


@pytest.mark.parametrize("guess", [None, "", "not a code at all", "ABCD-EFGH-JKLMNOP"])
def test_a_guessed_code_is_not_found_and_costs_the_same_queries_as_a_hit(
    guess, django_assert_num_queries
):
    message = a_message()
    client = Client()
    guess = code_new() if guess is None else guess
    with django_assert_num_queries(2):
        miss = client.post(URL, {"code": guess})
    with django_assert_num_queries(2):
        hit = client.post(URL, {"code": message.verification_code})
    assert "We did not find this code" in miss.content.decode()
    assert "This is a real message" in hit.content.decode()
    assert miss.status_code == hit.status_code == 200


def test_the_checker_is_rate_limited(settings):
    settings.GOVDOOR_CHECKER_RATE = "3/m"
    client = Client()
    codes = [client.post(URL, {"code": code_new()}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_checker_page_needs_no_sign_in_and_the_keys_are_published():
    assert Client().get(URL).status_code == 200
    keys = Client().get("/check-a-message/keys.json").json()["keys"]
    assert keys[0]["kty"] == "OKP" and keys[0]["crv"] == "Ed25519"


def test_codes_are_normalised_forgivingly_and_refuse_impossible_input():
    assert code_normalise("7k3m q9tx 2b") == "7K3M-Q9TX-2B"
    assert code_normalise("7K3M-Q9TX-2O") == "7K3M-Q9TX-20"  # O read as zero
    assert code_normalise("7K3M-Q9TX") is None
