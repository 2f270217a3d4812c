import time
import types
import uuid

from govdoor.core import ids
from govdoor.core.ids import uuid7


def test_uuid7_has_version_7_and_the_rfc_variant():
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert (value.int >> 76) & 0xF == 7
    assert (value.int >> 62) & 0b11 == 0b10


def test_uuid7_carries_the_current_unix_milliseconds():
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    # The counter may push the timestamp up to a few ms ahead under heavy load.
    assert before <= value.int >> 80 <= after + 5


def test_uuid7s_made_one_after_another_sort_in_creation_order():
    values = [uuid7() for _ in range(5000)]  # many within the same millisecond
    assert values == sorted(values)
    assert [str(v) for v in values] == sorted(str(v) for v in values)
    assert len(set(values)) == len(values)


def _fixed_clock(monkeypatch, ms: int) -> None:
    # monkeypatch puts the generator's state back afterwards, so later ids are not in 2096.
    monkeypatch.setattr(ids, "_last_ms", ids._last_ms)
    monkeypatch.setattr(ids, "_counter", ids._counter)
    monkeypatch.setattr(ids, "time", types.SimpleNamespace(time_ns=lambda: ms * 1_000_000))


def test_uuid7s_made_milliseconds_apart_sort_by_time(monkeypatch):
    _fixed_clock(monkeypatch, 4_000_000_000_000)
    first = uuid7()
    _fixed_clock(monkeypatch, 4_000_000_000_001)
    second = uuid7()
    assert first.int >> 80 == 4_000_000_000_000
    assert second.int >> 80 == 4_000_000_000_001
    assert first < second


def test_when_the_counter_runs_out_the_timestamp_moves_on_and_order_holds(monkeypatch):
    _fixed_clock(monkeypatch, 4_100_000_000_000)
    values = [uuid7() for _ in range(5000)]  # more than the 12-bit counter holds
    assert values == sorted(values)
    assert values[-1].int >> 80 > 4_100_000_000_000


def test_uuid7_random_bits_differ_between_ids():
    values = {uuid7().int & ((1 << 62) - 1) for _ in range(100)}
    assert len(values) == 100


def test_a_clock_that_steps_back_does_not_break_the_order(monkeypatch):
    _fixed_clock(monkeypatch, 4_200_000_000_010)
    first = uuid7()
    _fixed_clock(monkeypatch, 4_200_000_000_000)  # ten milliseconds back (NTP step)
    second = uuid7()
    assert first < second
