import pytest
from django.contrib.auth import get_user_model

from govdoor.core.errors import Conflict, DomainError, NotFound, Refused
from govdoor.core.models import OutboxEvent
from govdoor.organisations import services
from govdoor.organisations.models import Area, Jurisdiction, Organisation, StaffRole
from govdoor.organisations.tests.factories import (
    AreaFactory,
    OrganisationFactory,
    StaffRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def topics():
    return list(OutboxEvent.objects.order_by("id").values_list("topic", flat=True))


# --- organisation_create / organisation_update ---------------------------------------------


def test_an_organisation_is_created_and_announced_by_id():
    org = services.organisation_create(code="tax-agency", name="Tax Agency", level="central")
    assert Organisation.objects.get(code="tax-agency") == org
    event = OutboxEvent.objects.get(topic="organisations.organisation_created")
    assert event.payload == {"organisation_id": str(org.id)}


@pytest.mark.parametrize("code", ["", "Tax", "tax agency", "-tax", "tax--agency", "tax_", "x" * 65])
def test_an_organisation_code_must_be_a_slug(code):
    with pytest.raises(DomainError) as caught:
        services.organisation_create(code=code, name="Tax", level="central")
    assert caught.value.field == "code"
    assert not Organisation.objects.exists()


def test_an_organisation_code_must_be_unique():
    OrganisationFactory(code="tax")
    with pytest.raises(Conflict) as caught:
        services.organisation_create(code="tax", name="Tax", level="central")
    assert caught.value.field == "code"


def test_an_unknown_level_is_refused():
    with pytest.raises(DomainError) as caught:
        services.organisation_create(code="x", name="X", level="federal")
    assert caught.value.field == "level"


@pytest.mark.parametrize(
    ("level", "parent_level", "allowed"),
    [
        ("local", "regional", True),
        ("local", "central", True),
        ("local", "local", False),
        ("central", "central", True),
        ("central", "regional", False),
        ("central", "local", False),
        ("regional", "central", True),
        ("regional", "local", False),
    ],
)
def test_the_parent_of_an_organisation_is_never_below_it(level, parent_level, allowed):
    parent = OrganisationFactory(level=parent_level)
    if allowed:
        org = services.organisation_create(code="child", name="Child", level=level, parent=parent)
        assert org.parent == parent
    else:
        with pytest.raises(DomainError) as caught:
            services.organisation_create(code="child", name="Child", level=level, parent=parent)
        assert caught.value.field == "parent"


def test_an_organisation_may_be_renamed():
    org = OrganisationFactory(name="Old")
    services.organisation_update(organisation=org, name="New", website="https://new.example")
    org.refresh_from_db()
    assert (org.name, org.website) == ("New", "https://new.example")
    assert "organisations.organisation_updated" in topics()


def test_an_organisation_cannot_be_moved_under_its_own_descendant():
    ministry = OrganisationFactory()
    agency = OrganisationFactory(parent=ministry)
    office = OrganisationFactory(parent=agency)
    with pytest.raises(DomainError, match="cycle"):
        services.organisation_update(organisation=ministry, parent=office)
    with pytest.raises(DomainError):
        services.organisation_update(organisation=ministry, parent=ministry)
    ministry.refresh_from_db()
    assert ministry.parent is None


def test_a_level_change_that_would_break_a_childs_parent_rule_is_refused():
    region = OrganisationFactory(level="regional")
    OrganisationFactory(level="local", parent=region)
    with pytest.raises(DomainError) as caught:
        services.organisation_update(organisation=region, level="local")
    assert caught.value.field == "level"


def test_leaving_the_parent_out_of_an_update_keeps_it_and_none_removes_it():
    ministry = OrganisationFactory()
    agency = OrganisationFactory(parent=ministry)
    services.organisation_update(organisation=agency, name="Renamed")
    agency.refresh_from_db()
    assert agency.parent == ministry
    services.organisation_update(organisation=agency, parent=None)
    agency.refresh_from_db()
    assert agency.parent is None


# --- jurisdictions -------------------------------------------------------------------------


def test_a_jurisdiction_is_added_once_and_removed():
    org, area = OrganisationFactory(), AreaFactory()
    services.jurisdiction_add(organisation=org, area=area)
    with pytest.raises(Conflict):
        services.jurisdiction_add(organisation=org, area=area)
    services.jurisdiction_remove(organisation=org, area=area)
    assert not Jurisdiction.objects.exists()
    with pytest.raises(NotFound):
        services.jurisdiction_remove(organisation=org, area=area)
    assert topics() == ["organisations.jurisdiction_added", "organisations.jurisdiction_removed"]


# --- staff roles ---------------------------------------------------------------------------


@pytest.fixture
def town_with_admin():
    town = OrganisationFactory(level="local")
    admin = StaffRoleFactory(organisation=town, role="admin").user
    return town, admin


def test_an_admin_grants_a_role_and_the_event_names_ids_only(town_with_admin):
    town, admin = town_with_admin
    newcomer = UserFactory()
    role = services.staff_role_grant(
        granted_by=admin, user=newcomer, organisation=town, role="case_worker"
    )
    assert role.role == "case_worker"
    event = OutboxEvent.objects.get(topic="organisations.staff_role_granted")
    assert event.payload["user_id"] == str(newcomer.id)
    assert newcomer.username not in str(event.payload)


def test_a_non_admin_cannot_grant_roles(town_with_admin):
    town, _admin = town_with_admin
    worker = StaffRoleFactory(organisation=town, role="case_worker").user
    with pytest.raises(Refused):
        services.staff_role_grant(granted_by=worker, user=worker, organisation=town, role="admin")
    assert not StaffRole.objects.filter(user=worker, role="admin").exists()


def test_an_admin_of_another_organisation_cannot_grant_roles(town_with_admin):
    town, _admin = town_with_admin
    outsider = StaffRoleFactory(role="admin").user
    with pytest.raises(Refused):
        services.staff_role_grant(
            granted_by=outsider, user=UserFactory(), organisation=town, role="case_worker"
        )


def test_an_admin_of_a_parent_organisation_may_grant_roles():
    region = OrganisationFactory(level="regional")
    town = OrganisationFactory(level="local", parent=region)
    regional_admin = StaffRoleFactory(organisation=region, role="admin").user
    services.staff_role_grant(
        granted_by=regional_admin, user=UserFactory(), organisation=town, role="admin"
    )
    assert StaffRole.objects.filter(organisation=town, role="admin").count() == 1


def test_granting_an_unknown_or_duplicate_role_is_refused(town_with_admin):
    town, admin = town_with_admin
    with pytest.raises(DomainError) as caught:
        services.staff_role_grant(granted_by=admin, user=admin, organisation=town, role="king")
    assert caught.value.field == "role"
    with pytest.raises(Conflict):
        services.staff_role_grant(granted_by=admin, user=admin, organisation=town, role="admin")


def test_a_role_is_revoked_by_an_admin(town_with_admin):
    town, admin = town_with_admin
    worker = StaffRoleFactory(organisation=town, role="case_worker").user
    services.staff_role_revoke(revoked_by=admin, user=worker, organisation=town, role="case_worker")
    assert not StaffRole.objects.filter(user=worker).exists()
    assert "organisations.staff_role_revoked" in topics()


def test_a_non_admin_cannot_revoke_roles(town_with_admin):
    town, admin = town_with_admin
    worker = StaffRoleFactory(organisation=town, role="case_worker").user
    with pytest.raises(Refused):
        services.staff_role_revoke(revoked_by=worker, user=admin, organisation=town, role="admin")
    assert StaffRole.objects.filter(user=admin, role="admin").exists()


def test_the_last_admin_of_an_organisation_cannot_be_removed(town_with_admin):
    town, admin = town_with_admin
    with pytest.raises(Conflict, match="last administrator"):
        services.staff_role_revoke(revoked_by=admin, user=admin, organisation=town, role="admin")
    assert StaffRole.objects.filter(user=admin, organisation=town, role="admin").exists()


def test_an_admin_can_step_down_once_there_is_another(town_with_admin):
    town, admin = town_with_admin
    other = UserFactory()
    services.staff_role_grant(granted_by=admin, user=other, organisation=town, role="admin")
    services.staff_role_revoke(revoked_by=admin, user=admin, organisation=town, role="admin")
    assert list(StaffRole.objects.filter(organisation=town).values_list("user", flat=True)) == [
        other.id
    ]


def test_revoking_a_role_that_is_not_held_is_not_found(town_with_admin):
    town, admin = town_with_admin
    with pytest.raises(NotFound):
        services.staff_role_revoke(
            revoked_by=admin, user=UserFactory(), organisation=town, role="auditor"
        )


# --- onboarding ----------------------------------------------------------------------------


@pytest.fixture
def region():
    country = AreaFactory(code="DL", kind=Area.Kind.COUNTRY)
    return AreaFactory(code="DL-N", kind=Area.Kind.REGION, parent=country)


def onboard(**overrides):
    values = {
        "code": "lakeside",
        "name": "Lakeside",
        "area_code": "DL-N-09",
        "area_name": "Lakeside",
        "region_code": "DL-N",
        "admin_username": "lakeside-admin",
        "admin_email": "admin@lakeside.example",
    }
    values.update(overrides)
    return services.municipality_onboard(**values)


def test_onboarding_creates_the_area_the_organisation_and_its_first_admin(region):
    result = onboard()
    area = Area.objects.get(code="DL-N-09")
    assert (area.kind, area.parent) == ("municipality", region)
    org = result.organisation
    assert (org.level, org.home_area, list(org.serves.all())) == ("local", area, [area])
    admin = get_user_model().objects.get(username="lakeside-admin")
    assert admin.email == "admin@lakeside.example"
    assert not admin.has_usable_password()
    assert StaffRole.objects.filter(user=admin, organisation=org, role="admin").exists()
    event = OutboxEvent.objects.get(topic="organisations.organisation_onboarded")
    assert event.payload == {
        "organisation_id": str(org.id),
        "area_id": str(area.id),
        "admin_user_id": str(admin.id),
    }


def test_an_onboarded_municipality_is_immediately_competent_for_its_area(region):
    from govdoor.organisations.selectors import competent_organisations

    result = onboard()
    assert competent_organisations(area=result.area) == [result.organisation]


@pytest.mark.parametrize(
    ("existing", "field"),
    [
        ("organisation", "code"),
        ("area", "area_code"),
        ("user", "admin_username"),
    ],
)
def test_onboarding_a_duplicate_is_refused_and_nothing_is_created(region, existing, field):
    if existing == "organisation":
        OrganisationFactory(code="lakeside")
    elif existing == "area":
        AreaFactory(code="DL-N-09", parent=region)
    else:
        UserFactory(username="lakeside-admin")
    before = (Area.objects.count(), Organisation.objects.count(), StaffRole.objects.count())
    with pytest.raises(Conflict) as caught:
        onboard()
    assert caught.value.field == field
    assert (Area.objects.count(), Organisation.objects.count(), StaffRole.objects.count()) == before


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"region_code": "NOPE"}, "region_code"),
        ({"code": "Not A Slug"}, "code"),
        ({"area_code": "has space"}, "area_code"),
        ({"area_name": " "}, "area_name"),
        ({"admin_email": "not-an-email"}, "admin_email"),
        ({"admin_username": ""}, "admin_username"),
    ],
)
def test_onboarding_with_a_bad_value_names_the_field(region, override, field):
    with pytest.raises(DomainError) as caught:
        onboard(**override)
    assert caught.value.field == field
    assert not Organisation.objects.exists()


def test_a_municipality_code_cannot_name_a_country_as_its_region(region):
    with pytest.raises(NotFound) as caught:
        onboard(region_code="DL")
    assert caught.value.field == "region_code"


def test_a_failure_late_in_onboarding_rolls_everything_back(region, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("identity is down")

    monkeypatch.setattr(services, "_staff_user_create", broken)
    with pytest.raises(RuntimeError):
        onboard()
    assert not Area.objects.filter(code="DL-N-09").exists()
    assert not Organisation.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_only_admins_of_central_or_regional_organisations_may_onboard(region):
    local_admin = StaffRoleFactory(role="admin", organisation__level="local").user
    with pytest.raises(Refused):
        onboard(actor=local_admin)
    central_admin = StaffRoleFactory(role="admin", organisation__level="central").user
    assert onboard(actor=central_admin).organisation.code == "lakeside"
