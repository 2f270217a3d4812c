"""Amounts typed in French or English notation mean what the person meant."""

from decimal import Decimal

import pytest
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from govdoor.applications.answers import field_parse, number_normalise

MONEY = {"name": "rent", "type": "money", "label": {"en": "Rent"}}


@pytest.mark.parametrize(
    ("language", "typed", "meant"),
    [
        ("fr", "600,50", "600.50"),
        ("fr", "1 234,56", "1234.56"),
        ("fr", "1\u202f234,5", "1234.5"),
        ("fr", "1.234,56", "1234.56"),
        ("en", "600.50", "600.50"),
        ("en", "1,234.56", "1234.56"),
        ("en", "1,000", "1000"),
        ("en", "600,50", "600.50"),
        ("fr", "1,2,3", "123"),
    ],
)
def test_a_typed_number_is_read_in_the_person_s_notation(
    language: str, typed: str, meant: str
) -> None:
    with override(language):
        assert number_normalise(typed) == meant


def test_a_french_amount_with_a_decimal_comma_is_not_multiplied_by_a_hundred() -> None:
    with override("fr"):
        value, error = field_parse(MONEY, "600,50")
    assert (value, error) == ("600.50", None)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_an_amount_written_the_french_way_reads_back_the_same(amount: Decimal) -> None:
    whole, cents = f"{amount:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    with override("fr"):
        assert Decimal(number_normalise(f"{grouped},{cents}")) == amount
