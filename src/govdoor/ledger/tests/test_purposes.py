"""Plain words for ledger purpose codes: the describers each domain registers."""

from __future__ import annotations

import pytest
from django.utils import translation

from govdoor.ledger.purposes import fixed_words, purpose_words, purposes_in_words


@pytest.fixture
def describers():
    """Only the describers a test registers (the apps' own are put back afterwards)."""
    saved = dict(purpose_words.items())
    for plugin_id in saved:
        purpose_words.unregister(plugin_id)
    yield purpose_words
    for plugin_id in purpose_words.ids():
        purpose_words.unregister(plugin_id)
    for plugin_id, describe in saved.items():
        purpose_words.register(plugin_id)(describe)


def test_the_first_describer_to_know_a_code_words_it_and_later_ones_are_asked_only_for_the_rest(
    describers,
):
    asked: list[set[str]] = []

    def second(codes: set[str]) -> dict[str, str]:
        asked.append(set(codes))
        return {code: f"second: {code}" for code in codes}

    describers.register("a-first")(fixed_words({"x": "first words for x"}))
    describers.register("b-second")(second)
    assert purposes_in_words(["x", "y"]) == {"x": "first words for x", "y": "second: y"}
    assert asked == [{"y"}]


def test_no_describer_is_asked_once_every_code_has_words(describers):
    def never(codes: set[str]) -> dict[str, str]:
        raise AssertionError(f"asked for {codes}")

    describers.register("a-first")(fixed_words({"x": "words"}))
    describers.register("b-never")(never)
    assert purposes_in_words({"x"}) == {"x": "words"}
    assert purposes_in_words([]) == {}


def test_a_code_no_describer_knows_has_no_words(describers):
    describers.register("a-first")(fixed_words({"x": "words"}))
    assert purposes_in_words({"unknown"}) == {}


@pytest.mark.django_db  # the exchange's describer reads its purposes
def test_the_platforms_own_purposes_are_worded_in_the_readers_language():
    from govdoor.letters.views import LEDGER_PURPOSE
    from govdoor.messaging.register_deadlines import PURPOSE as REMINDERS
    from govdoor.registries.retention import PURPOSE as RETENTION

    codes = {
        "case-handling",
        "case-handling: letter",
        "legal delivery: message sent and made available",
        "legal delivery: message opened",
        "my-documents",
        LEDGER_PURPOSE,
        REMINDERS,
        RETENTION,
    }
    with translation.override("en"):
        english = purposes_in_words(codes)
    assert english.keys() == codes
    assert english["case-handling"] == "To handle your case or application."
    with translation.override("fr"):
        french = purposes_in_words(codes)
    assert french.keys() == codes
    assert all(french[code] != english[code] for code in codes), french
