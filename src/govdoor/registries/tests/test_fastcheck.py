"""The fast validity check must agree with jsonschema on every instance (property tests)."""

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from govdoor.registries.fastcheck import compile_fast
from govdoor.registries.tests.factories import VEHICLE_SCHEMA

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["a", "n"],
    "properties": {
        "a": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]$", "maxLength": 5},
        "n": {"type": "integer", "minimum": 0, "exclusiveMaximum": 10},
        "x": {"type": ["number", "null"], "maximum": 2.5},
        "d": {"type": "string", "format": "date"},
        "e": {"enum": ["F", "M"]},
        "tags": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 2},
        "inner": {"type": "object", "required": ["k"], "properties": {"k": {"type": "boolean"}}},
    },
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 12),
    st.floats(-3, 12, allow_nan=False),
    st.sampled_from(["AB-1", "ab-1", "AB-12", "", "F", "M", "2026-02-30", "2026-01-31", "x"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["k", "a", "z"]), inner, max_size=2),
    ),
    max_leaves=5,
)
records = st.dictionaries(
    st.sampled_from(["a", "n", "x", "d", "e", "tags", "inner", "extra"]), values, max_size=7
)


@settings(max_examples=400, deadline=None)
@given(records)
def test_the_fast_check_agrees_with_jsonschema(record):
    fast = compile_fast(SCHEMA)
    slow = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
    assert fast(record) == slow.is_valid(record)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "plate": st.sampled_from(["AB-001", "AB-01", 5]),
            "make": st.sampled_from(["V", "Volvo", None]),
            "owner_id": st.text(max_size=2),
        },
        optional={"year": st.one_of(st.integers(1800, 2100), st.text())},
    )
)
def test_the_fast_check_agrees_on_the_vehicle_schema(record):
    slow = Draft202012Validator(VEHICLE_SCHEMA, format_checker=FormatChecker())
    assert compile_fast(VEHICLE_SCHEMA)(record) == slow.is_valid(record)


def test_schemas_outside_the_subset_get_no_fast_path():
    assert compile_fast({"type": "object", "properties": {"a": {"anyOf": []}}}) is None
    assert compile_fast({"type": "object", "properties": {"a": {"enum": [1, True]}}}) is None
    assert compile_fast({"type": "object", "properties": {"a": {"$ref": "#/x"}}}) is None
