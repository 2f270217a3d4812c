"""Who the law of Demoland talks about: persons, and the households they live in."""

from __future__ import annotations

from openfisca_core.entities import build_entity

Household = build_entity(
    key="household",
    plural="households",
    label="All the people who live in one home and share its costs",
    doc="A household: the adults who run it and the children who depend on them.",
    roles=[
        {"key": "adult", "plural": "adults", "label": "Adults", "max": 2},
        {"key": "child", "plural": "children", "label": "Children"},
    ],
)

Person = build_entity(
    key="person",
    plural="persons",
    label="A person",
    doc="One resident of Demoland.",
    is_person=True,
)

entities = [Household, Person]
