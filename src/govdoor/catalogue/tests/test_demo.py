"""The demo catalogue loads on the demo country's organisations and is idempotent."""

from __future__ import annotations

from govdoor.catalogue.demo import demo_catalogue_load
from govdoor.catalogue.models import Guide, Service
from govdoor.catalogue.selectors import service_search
from govdoor.organisations.tests.factories import OrganisationFactory


def test_the_demo_catalogue_loads_once_and_routes_a_municipal_question(country):
    for code in (
        "social-insurance",
        "civil-registry",
        "transport",
        "business-registry",
        "health",
        "government",
        "tax",
    ):
        OrganisationFactory(code=code, name=code.title())
    first = demo_catalogue_load()
    assert first["life_events"] == 6 and first["guides"] == 3
    assert Service.objects.filter(kind="parking-permit").count() == 2  # two local councils
    assert demo_catalogue_load() == {"life_events": 0, "topics": 0, "services": 0, "guides": 0}
    assert [s.service.code for s in service_search(q="bins", area=country["hillside"])] == [
        "waste-collection-hillside"
    ]
    steps = Guide.objects.get(code="moving-house").steps.count()
    assert steps == 5


def test_the_commands_load_the_demo_catalogue_and_reindex(country):
    from io import StringIO

    from django.core.management import call_command

    from govdoor.catalogue.models import SearchTerm

    out = StringIO()
    call_command("load_demo_catalogue", stdout=out)
    assert "Demo catalogue loaded: life_events 6" in out.getvalue()
    SearchTerm.objects.all().delete()
    call_command("catalogue_reindex", stdout=out)
    assert "Re-indexed" in out.getvalue()
    assert (
        service_search(q="bins", area=country["riverton"])[0].organisation
        == country["riverton_org"]
    )
