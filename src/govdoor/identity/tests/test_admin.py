from __future__ import annotations

import pytest

from govdoor.identity.models import User
from govdoor.identity.tests.factories import MandateFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("root", "root@x.example", "a long password 123")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_person_list_and_page_never_show_the_national_number(admin_client) -> None:
    person = PersonFactory(given_name="Odile", family_name="Marchal")
    listing = admin_client.get("/django-admin/identity/person/")
    assert listing.status_code == 200
    assert "Marchal" in listing.content.decode()
    assert person.national_id not in listing.content.decode()
    change = admin_client.get(f"/django-admin/identity/person/{person.pk}/change/")
    assert change.status_code == 200 and person.national_id not in change.content.decode()
    search = admin_client.get("/django-admin/identity/person/", {"q": person.national_id})
    assert "Marchal" not in search.content.decode().split("<tbody>")[-1]


@pytest.mark.parametrize(
    "model",
    ["mandate", "user", "business", "familylink", "address", "agencyclient", "tokenassurance"],
)
def test_every_identity_model_has_an_admin_list(admin_client, model: str) -> None:
    mandate = MandateFactory()
    response = admin_client.get(f"/django-admin/identity/{model}/")
    assert response.status_code == 200
    assert mandate.representative.national_id not in response.content.decode()


def test_people_who_are_not_staff_cannot_open_the_admin(client) -> None:
    from govdoor.identity.services import user_for_person

    client.force_login(
        user_for_person(person=PersonFactory()), backend="django.contrib.auth.backends.ModelBackend"
    )
    assert client.get("/django-admin/identity/person/").status_code == 302
