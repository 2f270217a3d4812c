"""factory_boy factories for areas, organisations and staff (used by the back office too)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from govdoor.organisations.models import Area, Jurisdiction, Organisation, StaffRole


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"A{n:04d}")
    name = factory.Sequence(lambda n: f"Area {n}")
    kind = Area.Kind.MUNICIPALITY
    parent = None


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    level = Organisation.Level.CENTRAL
    parent = None


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction

    organisation = factory.SubFactory(OrganisationFactory)
    area = factory.SubFactory(AreaFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = StaffRole.Role.CASE_WORKER


def demo_country() -> dict[str, Area | Organisation]:
    """A small country: a region with two municipalities, and one organisation per tier."""
    country = AreaFactory(code="DL", name="Demoland", kind=Area.Kind.COUNTRY)
    north = AreaFactory(code="DL-N", name="North", kind=Area.Kind.REGION, parent=country)
    south = AreaFactory(code="DL-S", name="South", kind=Area.Kind.REGION, parent=country)
    riverton = AreaFactory(code="DL-N-01", name="Riverton", parent=north)
    hillside = AreaFactory(code="DL-N-02", name="Hillside", parent=north)
    tax = OrganisationFactory(code="tax-agency", name="Tax Agency", level="central")
    north_org = OrganisationFactory(
        code="north-region", name="North Region", level="regional", home_area=north
    )
    riverton_org = OrganisationFactory(
        code="riverton", name="Riverton", level="local", home_area=riverton
    )
    JurisdictionFactory(organisation=tax, area=country)
    JurisdictionFactory(organisation=north_org, area=north)
    JurisdictionFactory(organisation=riverton_org, area=riverton)
    return {
        "country": country,
        "north": north,
        "south": south,
        "riverton": riverton,
        "hillside": hillside,
        "tax": tax,
        "north_org": north_org,
        "riverton_org": riverton_org,
    }
