from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection

from govdoor.core.errors import Conflict, DomainError, NotFound
from govdoor.identity.models import Person
from govdoor.identity.national_id import national_id_generate
from govdoor.identity.selectors import person_by_national_id, person_get, persons_search
from govdoor.identity.services import person_create, user_for_person
from govdoor.identity.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_person_create_stores_the_number_encrypted_and_finds_it_by_blind_index() -> None:
    nid = national_id_generate(123)
    person = person_create(
        national_id=nid, given_name="Ada", family_name="Lovelace", birth_date=dt.date(1990, 1, 2)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT national_id FROM {Person._meta.db_table}")
        (raw,) = cursor.fetchone()
    assert raw.startswith("g1.") and nid not in raw
    assert person_by_national_id(nid) == person
    assert person_by_national_id(f" {nid} ") == person
    assert Person.objects.get(pk=person.pk).national_id == nid


@pytest.mark.parametrize("nid", ["12345678", "1234567890", "abcdefghi", "100000008", ""])
def test_person_create_refuses_a_malformed_national_number(nid: str) -> None:
    with pytest.raises(DomainError) as caught:
        person_create(
            national_id=nid, given_name="A", family_name="B", birth_date=dt.date(1990, 1, 1)
        )
    assert caught.value.field == "national_id"
    assert not Person.objects.exists()


def test_person_create_refuses_a_number_already_registered() -> None:
    person = PersonFactory()
    with pytest.raises(Conflict):
        person_create(
            national_id=person.national_id,
            given_name="A",
            family_name="B",
            birth_date=dt.date(1990, 1, 1),
        )


def test_person_create_refuses_a_birth_date_in_the_future() -> None:
    with pytest.raises(DomainError) as caught:
        person_create(
            national_id=national_id_generate(5),
            given_name="A",
            family_name="B",
            birth_date=dt.date.today() + dt.timedelta(days=2),
        )
    assert caught.value.field == "birth_date"


def test_person_by_national_id_answers_none_for_an_unknown_or_empty_number() -> None:
    PersonFactory()
    assert person_by_national_id(national_id_generate(77_777)) is None
    assert person_by_national_id("") is None


def test_person_get_answers_not_found_for_unknown_and_malformed_ids() -> None:
    person = PersonFactory()
    assert person_get(person.pk) == person
    assert person_get(str(person.pk)) == person
    for bad in (uuid.uuid4(), "not-a-uuid", None):
        with pytest.raises(NotFound):
            person_get(bad)


def test_persons_search_matches_every_word_of_the_name() -> None:
    ada = PersonFactory(given_name="Ada", family_name="Lovelace")
    PersonFactory(given_name="Ada", family_name="Byron")
    assert list(persons_search("ada love")) == [ada]
    assert persons_search("ADA").count() == 2


def test_user_for_person_creates_one_account_without_a_password() -> None:
    person = PersonFactory()
    user = user_for_person(person=person)
    assert user_for_person(person=person) == user
    assert not user.has_usable_password()
    assert person.national_id not in user.username
