from __future__ import annotations

import pytest

from govdoor.core.errors import DomainError
from govdoor.messaging import templating
from govdoor.messaging.services import (
    message_type_save,
    template_save,
    templates_missing_languages,
)
from govdoor.messaging.tests.factories import MessageTypeFactory

pytestmark = pytest.mark.django_db


def test_a_template_using_an_undeclared_placeholder_is_refused_at_save_naming_it():
    mt = MessageTypeFactory(with_templates=False, placeholders=["name"])
    with pytest.raises(DomainError) as err:
        template_save(
            message_type=mt,
            language="en",
            subject="Hello ((name))",
            body="You owe ((amuont)).",
            short_text="x",
        )
    assert "amuont" in err.value.detail
    assert err.value.field == "placeholders"
    assert not mt.templates.exists()


def test_a_template_in_an_unsupported_language_is_refused():
    mt = MessageTypeFactory(with_templates=False)
    with pytest.raises(DomainError) as err:
        template_save(message_type=mt, language="xx", subject="s", body="b", short_text="t")
    assert err.value.field == "language"


def test_a_template_linking_elsewhere_or_with_parameters_is_refused(settings):
    settings.GOVDOOR_BASE_URL = "https://gov.example"
    mt = MessageTypeFactory(with_templates=False)
    for body in (
        "Sign in at https://evil.example/login",
        "Sign in at https://gov.example/sign-in/?token=abc",
    ):
        with pytest.raises(DomainError):
            template_save(message_type=mt, language="en", subject="s", body=body, short_text="t")
    template_save(
        message_type=mt,
        language="en",
        subject="s",
        body="Read it at https://gov.example/my/messages/",
        short_text="t",
    )


def test_missing_languages_are_listed_until_every_supported_language_has_a_template():
    mt = MessageTypeFactory(with_templates=False, placeholders=["name"])
    assert templates_missing_languages(mt) == ["en", "fr"]
    template_save(
        message_type=mt, language="fr", subject="Bonjour ((name))", body="b", short_text="t"
    )
    assert templates_missing_languages(mt) == ["en"]


def test_undeclaring_a_placeholder_that_templates_use_is_refused():
    mt = MessageTypeFactory()
    with pytest.raises(DomainError):
        message_type_save(code=mt.code, name=mt.name, placeholders=["name"])


def test_rendering_substitutes_placeholders_and_tolerates_spaces():
    assert templating.render("Dear (( name )), ((x))", {"name": "Ada", "x": 3}) == "Dear Ada, 3"


def test_missing_personalisation_names_the_first_missing_field():
    with pytest.raises(DomainError) as err:
        templating.personalisation_check(required={"b", "a"}, personalisation={})
    assert err.value.field == "personalisation.a"
    assert "a, b" in err.value.detail


def test_model_validation_refuses_undeclared_placeholders_too():
    from django.core.exceptions import ValidationError

    from govdoor.messaging.models import MessageTemplate

    mt = MessageTypeFactory(with_templates=False, placeholders=["name"])
    template = MessageTemplate(
        message_type=mt, language="en", subject="s", body="((nmae))", short_text="t"
    )
    with pytest.raises(ValidationError, match="nmae"):
        template.full_clean()
