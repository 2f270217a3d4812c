"""The demo registers load from the real demo country generator (a small one)."""

from govdoor.demo.services import demo_country_load
from govdoor.identity.models import Person
from govdoor.registries import selectors
from govdoor.registries.demo import demo_registers_load
from govdoor.registries.models import Record, Register
from govdoor.registries.tests.factories import keeper_caller


def test_the_demo_registers_fill_from_the_generated_country(db):
    demo_country_load(people=60)
    created = demo_registers_load(progress=False)
    assert created["population"] == Person.objects.count() > 0
    assert created["businesses"] > 0 and created["vehicles"] > 0 and created["property"] > 0
    population = Register.objects.get(code="population")
    person = Person.objects.order_by("id").first()
    keeper = keeper_caller(population.organisation)
    address = selectors.current_address(person_id=person.pk, caller=keeper)
    assert address is None or set(address) <= set(selectors.ADDRESS_FIELDS)
    assert Record.objects.filter(register=population, subject_id=str(person.pk)).count() == 1
