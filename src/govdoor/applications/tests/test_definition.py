"""Form definitions are checked as data: the schema, then the meaning, each error with a path."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from govdoor.applications import services
from govdoor.applications.definition import definition_errors
from govdoor.applications.models import FormVersion
from govdoor.applications.tests.conftest import PARKING_FORM
from govdoor.cases.tests.factories import local_service


def _form() -> dict[str, Any]:
    return copy.deepcopy(PARKING_FORM)


def _paths(definition: Any, **kw: Any) -> list[str]:
    return [e.path for e in definition_errors(definition, **kw)]


def test_a_definition_without_pages_is_refused_naming_what_is_missing():
    errors = definition_errors({"title": {"en": "x"}})
    assert [str(e) for e in errors] == ["'pages' is a required property"]


def test_an_unknown_field_type_is_refused_with_the_path_of_the_field():
    form = _form()
    form["pages"][1]["fields"][1]["type"] = "colour"
    assert _paths(form) == ["pages[1].fields[1].type"]


def test_two_fields_with_one_name_are_refused_at_the_second():
    form = _form()
    form["pages"][3]["fields"][0]["name"] = "zone"
    form["pages"][3]["fields"][0]["type"] = "text"
    assert _paths(form) == ["pages[3].fields[0].name"]


def test_a_condition_on_an_unknown_or_later_field_is_refused():
    form = _form()
    form["pages"][2]["condition"] = {"field": "nothing", "equals": True}
    form["pages"][1]["fields"][2]["condition"] = {"field": "email", "equals": "x"}
    assert _paths(form) == ["pages[1].fields[2].condition.field", "pages[2].condition.field"]


def test_a_condition_must_use_a_value_the_question_can_have():
    form = _form()
    form["pages"][2]["condition"] = {"field": "zone", "equals": "Z"}
    errors = definition_errors(form)
    assert [e.path for e in errors] == ["pages[2].condition.equals"]
    assert "Z is not an option of zone" in errors[0].message


def test_a_bad_pattern_a_choice_without_options_and_a_reserved_page_name_are_refused():
    form = _form()
    form["pages"][2]["fields"][0]["validation"]["pattern"] = "([0-9"
    form["pages"][3]["fields"][0]["type"] = "choice"
    form["pages"][3]["name"] = "review"
    assert _paths(form) == [
        "pages[2].fields[0].validation.pattern",
        "pages[3].name",
        "pages[3].fields[0].options",
    ]


@pytest.mark.parametrize(
    ("prefill", "path", "words"),
    [
        ({"register": "nowhere", "field": "x"}, "prefill.register", "no register nowhere"),
        ({"register": "population", "field": "shoe_size"}, "prefill.field", "no field shoe_size"),
        ({"purpose": "unknown"}, "prefill.purpose", "no purpose unknown"),
        ({"field": "birth_date"}, "prefill.purpose", "does not allow population.birth_date"),
    ],
)
def test_a_prefill_the_registers_and_exchange_cannot_serve_is_refused(
    country, purpose, prefill, path, words
):
    service = local_service(country["riverton_org"], code="riverton-parking")
    form = _form()
    form["pages"][0]["fields"][0]["prefill"].update(prefill)
    with pytest.raises(services.DefinitionInvalid) as caught:
        services.form_draft_save(service=service, definition=form, check=False)
    assert caught.value.errors[0].path == f"pages[0].fields[0].{path}"
    assert words in caught.value.errors[0].message
    assert not FormVersion.objects.exists()


def test_a_prefill_needs_the_owner_to_hold_the_purpose(country, purpose):
    service = local_service(country["north_org"], code="north-parking")
    with pytest.raises(services.DefinitionInvalid) as caught:
        services.form_draft_save(service=service, definition=_form(), check=False)
    assert "North Region is not a requester of the purpose parking-permit" in str(
        caught.value.errors[0]
    )
