import datetime as dt
import zoneinfo

import pytest

from govdoor.core import clock


def test_now_is_aware_utc():
    moment = clock.now()
    assert moment.tzinfo is not None
    assert moment.utcoffset() == dt.timedelta(0)


def test_frozen_at_fixes_now_and_today_inside_the_block_only():
    moment = dt.datetime(2030, 1, 31, 23, 30, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        assert clock.now() == moment
        assert clock.today() == dt.date(2030, 1, 31)
    assert clock.now() != moment
    assert clock.now().year != 2030


def test_frozen_at_converts_other_zones_to_utc():
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    with clock.frozen_at(dt.datetime(2030, 6, 1, 1, 0, tzinfo=paris)):
        assert clock.now().tzinfo == dt.UTC
        assert clock.now() == dt.datetime(2030, 5, 31, 23, 0, tzinfo=dt.UTC)
        assert clock.today() == dt.date(2030, 5, 31)


def test_frozen_at_nests_and_restores_the_outer_moment():
    outer = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    inner = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    with clock.frozen_at(outer):
        with clock.frozen_at(inner):
            assert clock.now() == inner
        assert clock.now() == outer


def test_frozen_at_restores_the_clock_when_the_block_raises():
    with pytest.raises(RuntimeError), clock.frozen_at(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)):
        raise RuntimeError
    assert clock.now().year != 2030


def test_frozen_at_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"), clock.frozen_at(dt.datetime(2030, 1, 1)):
        pass
