import pytest
from django.core.exceptions import FieldError
from django.db import connection

from govdoor.core import crypto
from govdoor.core.crypto import DecryptionError
from govdoor.core.tests.factories import PersonFactory
from govdoor.identity.models import Person

pytestmark = pytest.mark.django_db


def _raw_national_id(person: Person) -> str:
    table = connection.ops.quote_name(Person._meta.db_table)
    column = connection.ops.quote_name(Person._meta.get_field("national_id").column)
    pk = Person._meta.pk.get_db_prep_value(person.pk, connection)  # hex on SQLite, uuid on PG
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        (value,) = cursor.fetchone()
    return value


def test_an_encrypted_field_keeps_only_ciphertext_in_the_database():
    person = PersonFactory(national_id="123456782")
    stored = _raw_national_id(person)
    assert "123456782" not in stored
    assert stored.startswith("g1.")
    assert crypto.decrypt(stored, context="identity.person.national_id") == "123456782"


def test_an_encrypted_field_reads_back_as_the_plaintext():
    person = PersonFactory(national_id="123456782")
    assert Person.objects.get(pk=person.pk).national_id == "123456782"


def test_an_encrypted_field_is_bound_to_its_column():
    person = PersonFactory(national_id="123456782")
    with pytest.raises(DecryptionError):
        crypto.decrypt(_raw_national_id(person), context="identity.person.given_name")


def test_an_updated_value_is_encrypted_afresh():
    person = PersonFactory(national_id="123456782")
    before = _raw_national_id(person)
    person.national_id = "100000010"
    person.save()
    after = _raw_national_id(person)
    assert after != before
    assert "100000010" not in after
    assert Person.objects.get(pk=person.pk).national_id == "100000010"


def test_searching_an_encrypted_field_by_value_is_refused_instead_of_matching_nothing():
    PersonFactory(national_id="123456782")
    with pytest.raises(FieldError, match="blind index"):
        Person.objects.filter(national_id="123456782").exists()
    for lookup in ("icontains", "startswith", "in"):
        with pytest.raises(FieldError, match="blind index"):
            Person.objects.filter(**{f"national_id__{lookup}": ["1"] if lookup == "in" else "1"})


def test_an_encrypted_field_can_still_be_asked_whether_it_is_empty():
    PersonFactory(national_id="123456782")
    assert not Person.objects.filter(national_id="").exists()
    assert not Person.objects.filter(national_id__isnull=True).exists()
    assert Person.objects.exclude(national_id="").count() == 1
