"""The forms benchmark's journey works against a real HTTP server (so `make bench` measures
applications that are really sent, not error pages)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from benchmarks.bench_forms import SEED, _sign_in, apply_once
from benchmarks.load import JourneyFailed, Session

from govdoor.applications.models import Submission


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_journey_sends_one_application_per_run(live_server, settings, capsys):
    settings.ROOT_URLCONF = "benchmarks.urls"
    capsys.readouterr()
    exec(SEED.format(count=1), {})  # the benchmark's own seed, in this test database
    person = capsys.readouterr().out.split()[-1]
    parts = urlsplit(live_server.url)
    session = Session(parts.hostname or "127.0.0.1", parts.port or 80)
    _sign_in(session, person)
    apply_once(session)
    apply_once(session)
    assert Submission.objects.count() == 2
    assert session.requests == 2 + 2 * 7


@pytest.mark.django_db(transaction=True)
def test_the_journey_fails_without_a_sign_in(live_server, settings, capsys):
    settings.ROOT_URLCONF = "benchmarks.urls"
    exec(SEED.format(count=1), {})
    parts = urlsplit(live_server.url)
    with pytest.raises(JourneyFailed, match="302, expected 200"):
        apply_once(Session(parts.hostname or "127.0.0.1", parts.port or 80))
