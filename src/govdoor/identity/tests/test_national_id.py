from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govdoor.identity.national_id import national_id_generate, national_id_valid


@given(st.integers(min_value=0, max_value=44_999_998))
def test_every_generated_number_is_valid(seq: int) -> None:
    assert national_id_valid(national_id_generate(seq))


@given(st.integers(min_value=0, max_value=44_999_997))
def test_generated_numbers_never_collide_with_their_neighbour(seq: int) -> None:
    assert national_id_generate(seq) != national_id_generate(seq + 1)


@given(
    st.integers(min_value=0, max_value=44_999_998),
    st.integers(min_value=0, max_value=7),
    st.integers(min_value=1, max_value=9),
)
def test_changing_one_of_the_first_eight_digits_is_caught(
    seq: int, position: int, delta: int
) -> None:
    nid = national_id_generate(seq)
    changed = (int(nid[position]) + delta) % 10
    typo = nid[:position] + str(changed) + nid[position + 1 :]
    assert not national_id_valid(typo)


@given(st.integers(min_value=0, max_value=44_999_998), st.integers(min_value=0, max_value=6))
def test_swapping_two_different_neighbouring_digits_is_caught(seq: int, position: int) -> None:
    nid = national_id_generate(seq)
    a, b = nid[position], nid[position + 1]
    if a == b:
        return
    swapped = nid[:position] + b + a + nid[position + 2 :]
    assert not national_id_valid(swapped)


@given(st.text(max_size=12))
def test_anything_that_is_not_nine_digits_is_refused(value: str) -> None:
    if len(value.strip()) == 9 and value.strip().isdigit() and value.strip().isascii():
        return
    assert not national_id_valid(value)


@pytest.mark.parametrize("seq", [-1, 44_999_999])
def test_sequence_numbers_out_of_range_are_refused(seq: int) -> None:
    with pytest.raises(ValueError):
        national_id_generate(seq)


@pytest.mark.parametrize("value", ["١٠٠٠٠٠٠٠٩", "10000000⁹", " 10000000 "])
def test_digits_of_other_scripts_are_refused(value: str) -> None:
    assert not national_id_valid(value)


def test_a_known_number_has_the_expected_check_digit() -> None:
    # 10000000 -> 1*9 = 9 -> check digit 9
    assert national_id_generate(0) == "100000009"
    assert national_id_valid("100000009")
    assert not national_id_valid("100000008")
