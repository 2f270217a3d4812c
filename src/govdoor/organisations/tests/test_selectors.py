import uuid

import pytest

from govdoor.core.errors import NotFound
from govdoor.organisations import selectors
from govdoor.organisations.models import StaffRole
from govdoor.organisations.tests.factories import (
    AreaFactory,
    JurisdictionFactory,
    OrganisationFactory,
    StaffRoleFactory,
    UserFactory,
    demo_country,
)

pytestmark = pytest.mark.django_db


def test_an_organisation_is_found_by_its_id():
    org = OrganisationFactory()
    assert selectors.organisation_get(org.id) == org
    assert selectors.organisation_get(str(org.id)) == org


@pytest.mark.parametrize("bad_id", [uuid.uuid4(), "not-a-uuid", None])
def test_an_unknown_or_malformed_organisation_id_is_not_found(bad_id):
    OrganisationFactory()
    with pytest.raises(NotFound):
        selectors.organisation_get(bad_id)


def test_organisations_are_filtered_by_level_parent_and_search():
    ministry = OrganisationFactory(code="interior", name="Ministry of the Interior")
    agency = OrganisationFactory(code="passports", name="Passport Office", parent=ministry)
    town = OrganisationFactory(code="riverton", name="Riverton", level="local")

    assert set(selectors.organisations_list(level="local")) == {town}
    assert list(selectors.organisations_list(parent=ministry)) == [agency]
    assert list(selectors.organisations_list(parent=str(ministry.id))) == [agency]
    assert list(selectors.organisations_list(search="passport")) == [agency]
    assert list(selectors.organisations_list(search="RIVER")) == [town]


def test_the_areas_containing_a_municipality_go_up_to_the_country():
    c = demo_country()
    assert selectors.areas_containing(c["riverton"]) == [c["riverton"], c["north"], c["country"]]
    assert selectors.areas_containing(c["country"]) == [c["country"]]


def test_a_municipality_is_served_by_its_own_organisation_then_the_region_then_the_country():
    c = demo_country()
    assert selectors.competent_organisations(area=c["riverton"]) == [
        c["riverton_org"],
        c["north_org"],
        c["tax"],
    ]


def test_a_municipality_without_its_own_organisation_falls_back_to_the_region():
    c = demo_country()
    assert selectors.competent_organisations(area=c["hillside"]) == [c["north_org"], c["tax"]]


def test_competent_organisations_can_be_limited_to_a_level():
    c = demo_country()
    assert selectors.competent_organisations(area=c["riverton"], level="central") == [c["tax"]]
    assert selectors.competent_organisations(area=c["riverton"], level="regional") == [
        c["north_org"]
    ]


def test_organisations_serving_other_areas_or_inactive_ones_are_not_competent():
    c = demo_country()
    JurisdictionFactory(organisation=OrganisationFactory(level="regional"), area=c["south"])
    c["tax"].is_active = False
    c["tax"].save()
    assert selectors.competent_organisations(area=c["hillside"]) == [c["north_org"]]


def test_an_organisation_serving_two_enclosing_areas_appears_once_at_its_nearest():
    c = demo_country()
    JurisdictionFactory(organisation=c["tax"], area=c["riverton"])
    result = selectors.competent_organisations(area=c["riverton"])
    assert result.count(c["tax"]) == 1
    assert result[:2] == [c["riverton_org"], c["tax"]]


def test_organisations_covering_the_same_area_are_ordered_local_first():
    c = demo_country()
    central_local_office = OrganisationFactory(name="A central office", level="central")
    JurisdictionFactory(organisation=central_local_office, area=c["riverton"])
    result = selectors.competent_organisations(area=c["riverton"])
    assert result[:2] == [c["riverton_org"], central_local_office]


def test_competent_organisations_take_a_bounded_number_of_queries(django_assert_max_num_queries):
    c = demo_country()
    for _ in range(5):
        JurisdictionFactory(organisation=OrganisationFactory(), area=c["country"])
    with django_assert_max_num_queries(4):
        result = selectors.competent_organisations(area=c["riverton"])
        _names = [(o.name, o.home_area, o.parent) for o in result]
    assert len(result) == 8


def test_the_roles_and_organisations_of_a_user_are_listed():
    user = UserFactory()
    a = OrganisationFactory(name="Alpha")
    b = OrganisationFactory(name="Beta")
    StaffRoleFactory(user=user, organisation=b, role="auditor")
    StaffRoleFactory(user=user, organisation=a, role="admin")
    StaffRoleFactory(user=user, organisation=a, role="case_worker")
    StaffRoleFactory(organisation=OrganisationFactory(name="Gamma"))

    assert [(r.organisation.name, r.role) for r in selectors.roles_of(user)] == [
        ("Alpha", "admin"),
        ("Alpha", "case_worker"),
        ("Beta", "auditor"),
    ]
    assert selectors.staff_organisations(user) == [a, b]


def test_a_role_is_held_only_where_it_was_granted():
    user = UserFactory()
    org = OrganisationFactory()
    StaffRoleFactory(user=user, organisation=org, role="case_worker")
    assert selectors.user_has_role(user, org, "case_worker")
    assert not selectors.user_has_role(user, org, "admin")
    assert not selectors.user_has_role(user, OrganisationFactory(), "case_worker")


def test_an_admin_of_a_parent_is_admin_of_its_children_and_grandchildren():
    user = UserFactory()
    ministry = OrganisationFactory()
    agency = OrganisationFactory(parent=ministry)
    office = OrganisationFactory(parent=agency)
    StaffRoleFactory(user=user, organisation=ministry, role=StaffRole.Role.ADMIN)
    assert selectors.user_has_role(user, office, StaffRole.Role.ADMIN)
    assert not selectors.user_has_role(UserFactory(), office, StaffRole.Role.ADMIN)


def test_other_roles_in_a_parent_are_not_inherited_by_children():
    user = UserFactory()
    region = OrganisationFactory(level="regional")
    town = OrganisationFactory(level="local", parent=region)
    StaffRoleFactory(user=user, organisation=region, role=StaffRole.Role.CASE_WORKER)
    assert not selectors.user_has_role(user, town, StaffRole.Role.CASE_WORKER)


def test_an_admin_of_a_child_is_not_admin_of_its_parent():
    user = UserFactory()
    region = OrganisationFactory(level="regional")
    town = OrganisationFactory(level="local", parent=region)
    StaffRoleFactory(user=user, organisation=town, role=StaffRole.Role.ADMIN)
    assert not selectors.user_has_role(user, region, StaffRole.Role.ADMIN)


def test_only_admins_of_central_or_regional_organisations_may_onboard():
    central_admin = StaffRoleFactory(role="admin", organisation__level="central").user
    regional_admin = StaffRoleFactory(role="admin", organisation__level="regional").user
    local_admin = StaffRoleFactory(role="admin", organisation__level="local").user
    central_worker = StaffRoleFactory(role="case_worker", organisation__level="central").user
    assert selectors.user_can_onboard(central_admin)
    assert selectors.user_can_onboard(regional_admin)
    assert not selectors.user_can_onboard(local_admin)
    assert not selectors.user_can_onboard(central_worker)


def test_an_unknown_area_code_is_not_found_and_names_the_field():
    AreaFactory(code="X1")
    with pytest.raises(NotFound) as caught:
        selectors.area_get_by_code("X2")
    assert caught.value.field == "area"
