"""The management commands: load_demo_country and demo_accounts."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govdoor.identity.models import Person

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_load_demo_country_loads_the_requested_population_and_says_so():
    output = _run("load_demo_country", "--people", "80", "--no-progress", "--as-of", "2026-11-23")
    assert "Demo country loaded" in output
    assert "persons 80" in output
    assert Person.objects.count() == 80


def test_load_demo_country_a_second_time_says_nothing_changed():
    _run("load_demo_country", "--people", "40", "--no-progress", "--seed", "11")
    output = _run("load_demo_country", "--people", "40", "--no-progress", "--seed", "11")
    assert "already loaded" in output
    assert Person.objects.count() == 40


def test_load_demo_country_refuses_a_population_below_one():
    with pytest.raises(CommandError, match="--people"):
        _run("load_demo_country", "--people", "0", "--no-progress")
    assert not Person.objects.exists()


def test_load_demo_country_refuses_a_malformed_date():
    with pytest.raises(CommandError, match="as_of|as-of|not a date"):
        _run("load_demo_country", "--people", "5", "--as-of", "23/11/2026")


def test_demo_accounts_without_a_demo_country_says_how_to_load_one():
    assert "load_demo_country" in _run("demo_accounts")


def test_demo_accounts_lists_featured_persons_and_staff_with_a_second_factor():
    _run("load_demo_country", "--people", "300", "--no-progress")
    output = _run("demo_accounts")
    assert "Parent of two or more children" in output
    assert "Business representative" in output
    assert "moved here from" in output
    assert "may act: parent of" in output
    assert "national number 1" in output
    assert "demo-govdoor-2026" in output
    for username in ("government.admin", "tax.caseworker", "north.caseworker", "demopolis.keeper"):
        assert username in output
    assert "TOTP code" in output or "TOTP key" in output
