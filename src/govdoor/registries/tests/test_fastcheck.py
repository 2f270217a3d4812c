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


UNTYPED = {
    "type": "object",
    "required": ["a"],
    "properties": {
        "a": {"minLength": 2, "minimum": 1, "maxItems": 1, "required": ["k"]},
        "b": {"type": ["integer", "string"], "maximum": 3, "pattern": "^x"},
        "c": {"const": "on", "format": "date"},
    },
}


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "z"]), values, max_size=4))
def test_the_fast_check_agrees_where_keywords_apply_to_several_types(record):
    slow = Draft202012Validator(UNTYPED, format_checker=FormatChecker())
    assert compile_fast(UNTYPED)(record) == slow.is_valid(record)


POPULATION = {  # as benchmarks/bench_registries.py loads it
    "type": "object",
    "additionalProperties": False,
    "required": ["person_id", "national_id", "given_name", "family_name", "birth_date"],
    "properties": {
        "person_id": {"type": "string"},
        "national_id": {"type": "string", "pattern": "^[0-9]{9}$"},
        "given_name": {"type": "string"},
        "family_name": {"type": "string"},
        "birth_date": {"type": "string", "format": "date"},
        "sex": {"enum": ["F", "M", "X"]},
        "house_number": {"type": "string"},
        "town": {"type": "string"},
    },
}


def test_the_population_schema_gets_a_fast_path_that_agrees_on_good_and_bad_rows():
    fast = compile_fast(POPULATION)
    slow = Draft202012Validator(POPULATION, format_checker=FormatChecker())
    good = [
        {
            "person_id": f"p-{n}",
            "national_id": f"{n:09d}",
            "given_name": "Chloé",
            "family_name": "Martin",
            "birth_date": f"{1930 + n}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "sex": "FMX"[n % 3],
            "house_number": str(n),
            "town": "Demopolis",
        }
        for n in range(50)
    ]
    bad = [
        {**good[0], "national_id": "12345"},
        {**good[1], "birth_date": "1990-02-30"},
        {**good[2], "sex": "Q"},
        {k: v for k, v in good[3].items() if k != "family_name"},
        {**good[4], "extra": "x"},
        {**good[5], "house_number": 7},
    ]
    assert all(fast(r) and slow.is_valid(r) for r in good)
    assert not any(fast(r) or slow.is_valid(r) for r in bad)


def test_field_names_and_patterns_never_become_code():
    hostile = 'a"]) or __import__("os").system("false") or ("'
    schema = {
        "type": "object",
        "required": [hostile],
        "properties": {hostile: {"type": "string", "pattern": "^'\"\\n$"}},
    }
    fast = compile_fast(schema)
    assert fast is not None
    assert fast({hostile: "'\"\n"}) is True
    assert fast({hostile: "x"}) is False
    assert fast({}) is False
