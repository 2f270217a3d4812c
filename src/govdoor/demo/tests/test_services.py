"""Loading the demo country into the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.staticfiles import finders
from django_otp.plugins.otp_totp.models import TOTPDevice

from govdoor.demo.generator import demo_country_generate
from govdoor.demo.services import demo_country_load
from govdoor.demo.staff import DEMO_STAFF_PASSWORD
from govdoor.identity.models import Address, Business, FamilyLink, Mandate, Person, User
from govdoor.identity.national_id import national_id_valid
from govdoor.identity.selectors import national_id_index, person_by_national_id
from govdoor.organisations.models import Area, Jurisdiction, Organisation, StaffRole

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 23)
MODELS = (
    Area,
    Organisation,
    Jurisdiction,
    Person,
    Address,
    FamilyLink,
    Mandate,
    Business,
    User,
    StaffRole,
    TOTPDevice,
)


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture
def loaded():
    return demo_country_load(seed=2026, people=200, as_of=AS_OF)


def test_a_small_load_creates_the_government_structure(loaded):
    assert Area.objects.filter(kind="country", code="DL", parent=None).count() == 1
    assert Area.objects.filter(kind="region", parent__code="DL").count() == 3
    assert Area.objects.filter(kind="municipality", parent__kind="region").count() == 12
    assert Organisation.objects.filter(level="regional").count() == 3
    locals_ = Organisation.objects.filter(level="local").select_related("home_area", "parent")
    assert len(locals_) == 12
    for org in locals_:
        assert org.parent.level == "regional"
        assert org.home_area.parent_id == org.parent.home_area_id
        assert list(org.serves.all()) == [org.home_area]
    agencies = Organisation.objects.filter(level="central", parent__code="government")
    assert agencies.count() >= 6
    assert Jurisdiction.objects.filter(organisation__in=agencies, area__code="DL").count() == (
        agencies.count()
    )


def test_the_load_reports_what_it_created(loaded):
    assert loaded.persons == Person.objects.count() == 200
    assert loaded.areas == 16
    assert loaded.mandates == Mandate.objects.count() > 0
    assert loaded.staff == User.objects.count() > 0
    assert loaded.skipped_persons == 0


def test_every_municipality_has_residents(loaded):
    for municipality in Area.objects.filter(kind="municipality"):
        assert Address.objects.filter(municipality=municipality, valid_to=None).exists(), (
            municipality.code
        )


def test_people_are_stored_with_an_encrypted_national_id_and_its_blind_index(loaded):
    ids = []
    for person in Person.objects.all():
        assert national_id_valid(person.national_id)
        assert person.national_id_index == national_id_index(person.national_id)
        ids.append(person.national_id)
    assert len(set(ids)) == 200
    raw = Person.objects.values_list("national_id", flat=True).first()
    assert raw is not None
    first = demo_country_generate(seed=2026, people=1, as_of=AS_OF).persons[0]
    found = person_by_national_id(first.national_id)
    assert found is not None and found.given_name == first.given_name


def test_families_partners_and_parent_mandates_are_stored(loaded):
    partners = FamilyLink.objects.filter(kind="partner")
    assert partners.exists()
    for link in partners:
        assert FamilyLink.objects.filter(
            person=link.relative, relative=link.person, kind="partner"
        ).exists()
    mandates = Mandate.objects.filter(kind="parent").select_related("represented_person")
    assert mandates.exists()
    for mandate in mandates:
        assert mandate.source == "register" and mandate.scope == ["*"]
        assert FamilyLink.objects.filter(
            person=mandate.representative_id, relative=mandate.represented_person, kind="parent"
        ).exists()


def test_businesses_have_representatives_with_business_mandates(loaded):
    assert Business.objects.count() == 16
    for business in Business.objects.all():
        assert (
            1 <= Mandate.objects.filter(represented_business=business, kind="business").count() <= 2
        )


def test_someone_has_moved_between_municipalities(loaded):
    old = Address.objects.filter(valid_to__isnull=False).first()
    assert old is not None
    now = Address.objects.get(person=old.person_id, valid_to=None)
    assert now.municipality_id != old.municipality_id


def test_demo_staff_can_sign_in_with_the_demo_password_and_a_confirmed_totp_device(loaded):
    staff = User.objects.filter(staff_roles__isnull=False).distinct()
    levels = set(StaffRole.objects.values_list("organisation__level", flat=True))
    assert levels == {"central", "regional", "local"}
    assert set(StaffRole.objects.values_list("role", flat=True)) == set(StaffRole.Role.values)
    for user in staff:
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    # One password check each way: a production-strength hash is slow outside test mode.
    assert len({user.password for user in staff}) == 1
    caseworker = User.objects.get(username="tax.caseworker")
    assert caseworker.check_password(DEMO_STAFF_PASSWORD)
    assert not caseworker.check_password("wrong-password-1")


def test_loading_twice_changes_nothing(loaded):
    before = _counts()
    again = demo_country_load(seed=2026, people=200, as_of=AS_OF)
    assert again.created == 0
    assert again.skipped_persons == 200
    assert _counts() == before


def test_loading_a_larger_population_later_adds_only_the_new_households(loaded):
    before = Person.objects.count()
    more = demo_country_load(seed=2026, people=260, as_of=AS_OF)
    assert more.areas == 0 and more.staff == 0
    assert Person.objects.count() == before + more.persons
    assert more.persons >= 50
    for business in Business.objects.all():
        assert 1 <= Mandate.objects.filter(represented_business=business).count() <= 2


def test_every_organisation_logo_is_a_static_file(loaded):
    for logo in Organisation.objects.values_list("logo", flat=True):
        assert logo and finders.find(logo), logo


def test_the_progress_bar_goes_to_stderr_only_when_asked_for(capsys):
    demo_country_load(seed=3, people=20, as_of=AS_OF, progress=False)
    assert "row/s" not in capsys.readouterr().err
    demo_country_load(seed=3, people=30, as_of=AS_OF, progress=True)
    captured = capsys.readouterr()
    assert "row" in captured.err and "100%" in captured.err
    assert "%" not in captured.out


def test_other_loaders_can_regenerate_exactly_the_people_stored_by_default():
    demo_country_load(seed=9, people=40)
    for spec in demo_country_generate(seed=9, people=40).persons:
        person = person_by_national_id(spec.national_id)
        assert person is not None
        assert (person.given_name, person.family_name, person.birth_date, person.sex) == (
            spec.given_name,
            spec.family_name,
            spec.birth_date,
            spec.sex,
        )
