import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from govdoor.organisations.tests.factories import JurisdictionFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["area", "organisation", "jurisdiction", "staffrole"])
def test_operators_can_list_and_search_each_model_in_the_django_admin(admin_client, model):
    JurisdictionFactory()
    StaffRoleFactory()
    url = reverse(f"admin:organisations_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "a"}).status_code == 200


def test_an_organisation_change_page_shows_its_jurisdictions_and_staff(admin_client):
    jurisdiction = JurisdictionFactory()
    StaffRoleFactory(organisation=jurisdiction.organisation, user__username="inline-person")
    url = reverse("admin:organisations_organisation_change", args=[jurisdiction.organisation.pk])
    page = admin_client.get(url).content.decode()
    assert jurisdiction.area.name in page
    assert "inline-person" in page


def test_people_without_admin_access_cannot_open_the_django_admin(client):
    user = get_user_model().objects.create_user(username="plain", password="x" * 16)
    client.force_login(user)
    response = client.get(reverse("admin:organisations_organisation_changelist"))
    assert response.status_code == 302
