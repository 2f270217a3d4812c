"""The URL maps are ordered for speed (the busiest first), which is only safe while no
route of one map could also match a route of another."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver

_VALUES = {"uuid": "01a23d90-53ec-7288-8f2a-3651a297de93", "int": "7"}


def _sample(route: str) -> str:
    """A concrete path for a route: each converter replaced by a value it takes."""
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: _VALUES.get(m.group(1) or "str", "x1"), route)


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    """The full route of every endpoint under `resolver`."""
    out = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            out += _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            out.append(prefix + str(entry.pattern))
    return out


def test_no_route_of_one_api_map_is_matched_by_a_route_of_another():
    api = get_resolver("govdoor.api_urls")
    compiled = [
        (str(inc.urlconf_name), entry)
        for inc in api.url_patterns
        if isinstance(inc, URLResolver)
        for entry in inc.url_patterns
    ]
    assert len(compiled) > 40
    clashes = [
        (str(a.pattern), map_b, str(b.pattern))
        for map_a, a in compiled
        for map_b, b in compiled
        if map_a != map_b and b.pattern.match(_sample(str(a.pattern)))
    ]
    assert clashes == []


def test_every_api_path_resolves_to_its_own_view_with_the_api_map_first():
    root = get_resolver()
    for route in _routes(get_resolver("govdoor.api_urls")):
        match = root.resolve("/api/v1/" + _sample(route))
        assert match.route == "api/v1/" + route
