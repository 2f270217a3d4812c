"""The portal benchmark's journeys work against a real HTTP server (so `make bench` measures
pages that answer as expected, not error pages), and the bare view exists only for benchmarks."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from benchmarks.bench_portal import _bare, _my_page, _sign_in
from benchmarks.load import JourneyFailed, Session, drive

from govdoor.core.tests.factories import PersonFactory


@pytest.fixture
def bench_server(live_server, settings):
    settings.ROOT_URLCONF = "benchmarks.urls"
    parts = urlsplit(live_server.url)
    return parts.hostname, parts.port


@pytest.mark.django_db(transaction=True)
def test_the_sign_in_journey_signs_in_and_shows_my_govdoor(bench_server):
    person = PersonFactory(given_name="Bench1")
    session = Session(*bench_server)
    _sign_in(session, str(person.pk))
    _my_page(session)
    assert session.requests == 3


@pytest.mark.django_db(transaction=True)
def test_my_govdoor_without_signing_in_is_a_failed_journey(bench_server):
    with pytest.raises(JourneyFailed, match="302, expected 200"):
        _my_page(Session(*bench_server))


@pytest.mark.django_db(transaction=True)
def test_the_bare_view_serves_the_baseline(bench_server):
    host, port = bench_server
    result = drive(
        "bare", host=host, port=port, journey=_bare, threads=2, seconds=10, max_journeys=10
    )
    assert (result.journeys, result.errors) == (10, 0)


@pytest.mark.django_db
def test_the_bare_view_is_not_part_of_govdoor_urls(client):
    assert client.get("/bench/bare/").status_code == 404
