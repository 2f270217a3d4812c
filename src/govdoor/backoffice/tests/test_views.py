import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from govdoor.identity.agency import SESSION_ORGANISATION_KEY
from govdoor.organisations.models import Area, Organisation, StaffRole
from govdoor.organisations.tests.factories import (
    AreaFactory,
    JurisdictionFactory,
    OrganisationFactory,
    StaffRoleFactory,
    UserFactory,
)

from .helpers import sign_in_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return OrganisationFactory(code="riverton", name="Riverton", level="local")


@pytest.fixture
def admin(client, town):
    user = StaffRoleFactory(organisation=town, role="admin", user__username="boss").user
    sign_in_staff(client, user)
    return user


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "staff", "organisations", "onboard"])
def test_back_office_pages_send_anonymous_visitors_to_the_staff_sign_in(client, name):
    response = client.get(reverse(f"backoffice:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:staff-sign-in"))


def test_staff_without_a_verified_second_factor_are_sent_to_sign_in(client, town):
    user = StaffRoleFactory(organisation=town).user
    client.force_login(user)
    response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 302


def test_a_verified_account_without_any_role_is_sent_to_sign_in(client):
    sign_in_staff(client, UserFactory())
    assert client.get(reverse("backoffice:dashboard")).status_code == 302


# --- dashboard and switcher ----------------------------------------------------------------


def test_the_dashboard_shows_the_current_organisation_and_my_roles(client, admin, town):
    JurisdictionFactory(organisation=town, area=AreaFactory(name="Riverton territory"))
    page = text(client.get(reverse("backoffice:dashboard")))
    assert '<h1 class="govuk-heading-l">Riverton</h1>' in page
    assert "Administrator" in page
    assert "Riverton territory" in page


def test_staff_switch_to_another_of_their_organisations(client, admin):
    other = OrganisationFactory(name="Tax Agency")
    StaffRoleFactory(user=admin, organisation=other, role="auditor")
    response = client.post(
        reverse("backoffice:organisation-switch"),
        {"organisation": str(other.id), "next": reverse("backoffice:staff")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:staff")
    assert client.session[SESSION_ORGANISATION_KEY] == str(other.id)
    assert '<h1 class="govuk-heading-l">Tax Agency</h1>' in text(
        client.get(reverse("backoffice:dashboard"))
    )


def test_choosing_an_organisation_without_a_role_there_is_forbidden(client, admin, town):
    elsewhere = OrganisationFactory()
    response = client.post(
        reverse("backoffice:organisation-switch"), {"organisation": str(elsewhere.id)}
    )
    assert response.status_code == 403
    assert SESSION_ORGANISATION_KEY not in client.session


def test_a_malformed_choice_is_forbidden_too(client, admin):
    response = client.post(reverse("backoffice:organisation-switch"), {"organisation": "x"})
    assert response.status_code == 403


def test_the_switcher_does_not_redirect_off_site(client, admin, town):
    response = client.post(
        reverse("backoffice:organisation-switch"),
        {"organisation": str(town.id), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("backoffice:dashboard")


def test_a_revoked_role_stops_the_session_using_that_organisation(client, admin, town):
    other = OrganisationFactory(name="Tax Agency")
    role = StaffRoleFactory(user=admin, organisation=other)
    client.post(reverse("backoffice:organisation-switch"), {"organisation": str(other.id)})
    role.delete()
    page = text(client.get(reverse("backoffice:dashboard")))
    assert '<h1 class="govuk-heading-l">Riverton</h1>' in page


# --- staff ---------------------------------------------------------------------------------


def test_the_staff_list_shows_each_person_with_their_roles_here(client, admin, town):
    worker = StaffRoleFactory(organisation=town, role="case_worker", user__username="wendy").user
    StaffRoleFactory(organisation=town, role="auditor", user=worker)
    StaffRoleFactory(organisation=OrganisationFactory(), role="admin", user=worker)
    StaffRoleFactory(user__username="stranger")
    page = text(client.get(reverse("backoffice:staff")))
    assert "wendy" in page and "boss" in page
    assert "stranger" not in page
    assert page.count("Case worker</strong>") == 1 and "Auditor</strong>" in page
    assert page.count("Administrator</strong>") == 1  # only boss is admin *here*


def test_the_staff_list_is_paginated(client, admin, town):
    for i in range(30):
        StaffRoleFactory(organisation=town, user__username=f"worker{i:02d}")
    first = text(client.get(reverse("backoffice:staff")))
    second = text(client.get(reverse("backoffice:staff"), {"page": 2}))
    assert "Page 1 of 2" in first and "worker22" in first and "worker29" not in first
    assert "worker29" in second


def test_the_staff_list_takes_a_bounded_number_of_queries(
    client, admin, town, django_assert_max_num_queries
):
    for i in range(20):
        user = StaffRoleFactory(organisation=town, user__username=f"worker{i:02d}").user
        StaffRoleFactory(organisation=town, user=user, role="auditor")
    with django_assert_max_num_queries(11):
        response = client.get(reverse("backoffice:staff"))
    assert response.status_code == 200


def test_an_admin_grants_a_role_by_username(client, admin, town):
    UserFactory(username="newbie")
    response = client.post(
        reverse("backoffice:staff-grant"), {"username": "newbie", "role": "case_worker"}
    )
    assert response.status_code == 302
    assert StaffRole.objects.filter(user__username="newbie", organisation=town).exists()


def test_granting_to_an_unknown_username_shows_the_error_next_to_the_field(client, admin):
    response = client.post(
        reverse("backoffice:staff-grant"), {"username": "ghost", "role": "auditor"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "govuk-error-summary" in page
    assert 'href="#id_username">No account with this username.' in page
    assert 'id="id_username-error"' in page
    assert 'value="ghost"' in page  # what was typed is kept
    assert re.search(r'<option value="auditor" selected>', page)


def test_granting_without_a_role_names_the_role_field(client, admin):
    response = client.post(reverse("backoffice:staff-grant"), {"username": "boss", "role": ""})
    assert response.status_code == 400
    assert 'href="#id_role">Choose a role' in text(response)


def test_granting_a_role_twice_is_shown_as_an_error(client, admin):
    response = client.post(reverse("backoffice:staff-grant"), {"username": "boss", "role": "admin"})
    assert response.status_code == 400
    assert "already has this role" in text(response)


def test_a_non_admin_sees_no_grant_form_and_cannot_grant(client, town):
    worker = StaffRoleFactory(organisation=town, role="case_worker").user
    sign_in_staff(client, worker)
    assert "Grant a role" not in text(client.get(reverse("backoffice:staff")))
    response = client.post(
        reverse("backoffice:staff-grant"), {"username": worker.username, "role": "admin"}
    )
    assert response.status_code == 403
    assert not StaffRole.objects.filter(user=worker, role="admin").exists()


def test_an_admin_revokes_a_role(client, admin, town):
    worker = StaffRoleFactory(organisation=town, role="case_worker").user
    response = client.post(
        reverse("backoffice:staff-revoke"), {"user": str(worker.id), "role": "case_worker"}
    )
    assert response.status_code == 302
    assert not StaffRole.objects.filter(user=worker).exists()


def test_revoking_the_last_admin_is_refused_with_an_error_summary(client, admin):
    response = client.post(
        reverse("backoffice:staff-revoke"), {"user": str(admin.id), "role": "admin"}
    )
    assert response.status_code == 400
    assert "last administrator" in text(response)
    assert StaffRole.objects.filter(user=admin, role="admin").exists()


def test_a_non_admin_cannot_revoke(client, admin, town):
    worker = StaffRoleFactory(organisation=town, role="case_worker").user
    client.logout()
    sign_in_staff(client, worker)
    response = client.post(
        reverse("backoffice:staff-revoke"), {"user": str(admin.id), "role": "admin"}
    )
    assert response.status_code == 403


def test_an_admin_cannot_manage_staff_of_an_organisation_they_have_not_chosen(client, admin):
    other = OrganisationFactory()
    victim = StaffRoleFactory(organisation=other, role="case_worker").user
    client.post(reverse("backoffice:organisation-switch"), {"organisation": str(other.id)})
    response = client.post(
        reverse("backoffice:staff-revoke"), {"user": str(victim.id), "role": "case_worker"}
    )
    assert response.status_code == 400  # still working for their own town: not found there
    assert StaffRole.objects.filter(user=victim).exists()


# --- organisations -------------------------------------------------------------------------


def test_organisations_are_listed_and_searched(client, admin):
    OrganisationFactory(name="Tax Agency", code="tax")
    OrganisationFactory(name="Passport Office", code="passports")
    page = text(client.get(reverse("backoffice:organisations"), {"search": "pass"}))
    assert "Passport Office" in page and "Tax Agency" not in page
    assert 'value="pass"' in page


def test_a_bad_level_filter_is_shown_as_an_error(client, admin):
    response = client.get(reverse("backoffice:organisations"), {"level": "federal"})
    assert response.status_code == 400
    assert "govuk-error-summary" in text(response)


def test_the_organisation_list_takes_a_bounded_number_of_queries(
    client, admin, django_assert_max_num_queries
):
    parent = OrganisationFactory()
    OrganisationFactory.create_batch(20, parent=parent)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("backoffice:organisations")).status_code == 200


def test_an_organisation_shows_its_children_and_jurisdictions(client, admin, town):
    region = OrganisationFactory(name="North Region", level="regional")
    town.parent = region
    town.save()
    JurisdictionFactory(organisation=region, area=AreaFactory(name="North", kind="region"))
    page = text(client.get(reverse("backoffice:organisation", args=[region.id])))
    assert "North Region" in page
    assert "Riverton" in page.split('id="children"')[1]
    assert "North" in page.split('id="jurisdictions"')[1]


@pytest.mark.parametrize("bad_id", ["00000000-0000-7000-8000-000000000000", "nonsense"])
def test_an_unknown_organisation_is_a_404(client, admin, bad_id):
    assert client.get(reverse("backoffice:organisation", args=[bad_id])).status_code == 404


# --- onboarding ----------------------------------------------------------------------------


@pytest.fixture
def region_admin(client):
    country = AreaFactory(code="DL", name="Demoland", kind=Area.Kind.COUNTRY)
    AreaFactory(code="DL-N", name="North", kind=Area.Kind.REGION, parent=country)
    user = StaffRoleFactory(
        organisation=OrganisationFactory(level="regional"), role="admin", user__username="reg"
    ).user
    sign_in_staff(client, user)
    return user


ONBOARD = {
    "name": "Lakeside",
    "code": "lakeside",
    "area_name": "Lakeside",
    "area_code": "DL-N-09",
    "region_code": "DL-N",
    "admin_username": "lakeside-admin",
    "admin_email": "admin@lakeside.example",
}


def test_a_regional_admin_onboards_a_municipality(client, region_admin):
    page = text(client.get(reverse("backoffice:onboard")))
    assert '<option value="DL-N">North</option>' in page
    response = client.post(reverse("backoffice:onboard"), ONBOARD)
    assert response.status_code == 302
    org = Organisation.objects.get(code="lakeside")
    assert response["Location"] == reverse("backoffice:organisation", args=[org.id])
    assert org.level == "local"
    assert StaffRole.objects.filter(
        organisation=org, role="admin", user__username="lakeside-admin"
    ).exists()


def test_onboarding_a_duplicate_shows_the_error_next_to_the_field_and_keeps_the_values(
    client, region_admin
):
    OrganisationFactory(code="lakeside")
    response = client.post(reverse("backoffice:onboard"), ONBOARD)
    assert response.status_code == 400
    page = text(response)
    assert 'href="#id_code">An organisation with this code already exists.' in page
    assert 'id="id_code-error"' in page
    assert 'value="admin@lakeside.example"' in page
    assert '<option value="DL-N" selected>' in page
    assert not Area.objects.filter(code="DL-N-09").exists()


def test_onboarding_with_empty_fields_lists_each_in_the_error_summary(client, region_admin):
    response = client.post(reverse("backoffice:onboard"), {})
    assert response.status_code == 400
    page = text(response)
    for field in ONBOARD:
        assert f'href="#id_{field}"' in page
    assert not get_user_model().objects.filter(username="lakeside-admin").exists()


def test_onboarding_with_a_bad_code_names_the_code(client, region_admin):
    response = client.post(reverse("backoffice:onboard"), {**ONBOARD, "code": "Lake Side"})
    assert response.status_code == 400
    assert 'href="#id_code">' in text(response)


def test_a_local_admin_cannot_onboard(client, admin):
    assert client.get(reverse("backoffice:onboard")).status_code == 403
    assert client.post(reverse("backoffice:onboard"), ONBOARD).status_code == 403
    assert not Organisation.objects.filter(code="lakeside").exists()
    assert "Onboard a municipality" not in text(client.get(reverse("backoffice:dashboard")))


def test_a_central_case_worker_cannot_onboard(client):
    worker = StaffRoleFactory(organisation__level="central", role="case_worker").user
    sign_in_staff(client, worker)
    assert client.get(reverse("backoffice:onboard")).status_code == 403


# --- context for other back-office pages ---------------------------------------------------


def test_the_context_processor_gives_back_office_pages_the_current_organisation(rf, town):
    from django.contrib.sessions.backends.cache import SessionStore

    from govdoor.backoffice.context import backoffice

    user = StaffRoleFactory(organisation=town, role="auditor").user
    other = OrganisationFactory(name="Zeta Agency")
    StaffRoleFactory(organisation=other, user=user)
    request = rf.get("/backoffice/cases/")
    request.user = user
    request.session = SessionStore()
    request.session[SESSION_ORGANISATION_KEY] = str(other.id)
    context = backoffice(request)
    assert context["current_organisation"] == other
    assert context["my_organisations"] == [town, other]
    assert context["is_admin"] is False

    portal_request = rf.get("/my/")
    portal_request.user = user
    assert backoffice(portal_request) == {}


def test_a_person_with_one_organisation_sees_no_switcher(client, admin):
    assert "Change organisation" not in text(client.get(reverse("backoffice:dashboard")))
    StaffRoleFactory(user=admin, organisation=OrganisationFactory())
    assert "Change organisation" in text(client.get(reverse("backoffice:dashboard")))


# --- staff of a given organisation (administration inherited from a parent) ----------------


@pytest.fixture
def region_with_town(town):
    region = OrganisationFactory(name="North Region", level="regional")
    town.parent = region
    town.save()
    return region


def test_a_regional_admin_manages_the_staff_of_a_municipality_below(client, town, region_with_town):
    regional_admin = StaffRoleFactory(organisation=region_with_town, role="admin").user
    sign_in_staff(client, regional_admin)
    detail = text(client.get(reverse("backoffice:organisation", args=[town.id])))
    staff_url = reverse("backoffice:organisation-staff", args=[town.id])
    assert f'href="{staff_url}"' in detail
    page = text(client.get(staff_url))
    assert "Staff of Riverton" in page and "Grant a role" in page
    UserFactory(username="new-town-admin")
    response = client.post(
        reverse("backoffice:organisation-staff-grant", args=[town.id]),
        {"username": "new-town-admin", "role": "admin"},
    )
    assert response.status_code == 302
    assert response["Location"] == staff_url
    assert StaffRole.objects.filter(
        organisation=town, role="admin", user__username="new-town-admin"
    ).exists()


def test_a_regional_case_worker_cannot_see_the_staff_of_a_municipality_below(
    client, town, region_with_town
):
    worker = StaffRoleFactory(organisation=region_with_town, role="case_worker").user
    sign_in_staff(client, worker)
    assert "Manage the staff" not in text(
        client.get(reverse("backoffice:organisation", args=[town.id]))
    )
    assert client.get(reverse("backoffice:organisation-staff", args=[town.id])).status_code == 403
    response = client.post(
        reverse("backoffice:organisation-staff-grant", args=[town.id]),
        {"username": worker.username, "role": "admin"},
    )
    assert response.status_code == 403
    assert not StaffRole.objects.filter(organisation=town).exists()


def test_a_municipal_admin_cannot_manage_the_staff_of_the_region_above(
    client, admin, region_with_town
):
    url = reverse("backoffice:organisation-staff-revoke", args=[region_with_town.id])
    assert client.post(url, {"user": str(admin.id), "role": "admin"}).status_code == 403


def test_a_member_without_admin_rights_sees_the_staff_list_without_forms(client, town):
    worker = StaffRoleFactory(organisation=town, role="auditor").user
    sign_in_staff(client, worker)
    page = text(client.get(reverse("backoffice:organisation-staff", args=[town.id])))
    assert "Staff of Riverton" in page
    assert "Grant a role" not in page and "Revoke" not in page


def test_the_staff_of_an_unknown_organisation_is_a_404(client, admin):
    url = reverse("backoffice:organisation-staff", args=["00000000-0000-7000-8000-000000000000"])
    assert client.get(url).status_code == 404
