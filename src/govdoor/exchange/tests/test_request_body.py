"""The data request body's fast path never accepts what the serializer would refuse, and
gives the same validated data when it accepts."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from govdoor.exchange.api.serializers import (
    DataRequestInSerializer,
    data_request_in,
    data_request_in_fast,
)

SUBJECT = "01a23d90-53ec-7288-8f2a-3651a297de93"

names = st.one_of(
    st.from_regex(r"\A[a-z0-9_-]{1,8}\.[a-z0-9_]{1,8}\Z"),
    st.from_regex(r"\A[a-z]{1,4}\.[a-z]{1,4}\n\Z"),  # `$` in the serializer's regex
    st.sampled_from([" a.b", "a.b ", "A.b", "a..b", "a.b-c", "a", "", "a.b\x00"]),
    st.sampled_from(["a." + "b" * 128, "a." + "b" * 129]),  # 130 is the longest name
    st.text(max_size=12),
    st.integers(),
    st.none(),
)
subjects = st.one_of(
    st.uuids().map(str),
    st.uuids().map(lambda u: str(u).upper()),
    st.uuids().map(lambda u: u.hex),
    st.uuids().map(lambda u: "{" + str(u) + "}"),
    st.uuids().map(lambda u: f" {u} "),
    st.text(max_size=40),
    st.integers(),
    st.none(),
)
purposes = st.one_of(
    st.from_regex(r"\A[-a-zA-Z0-9_]{1,90}\Z"),
    st.sampled_from(["tax-assessment", " tax", "tax\n", "tax assessment", "", "tåx"]),
    st.sampled_from(["p" * 80, "p" * 81]),  # 80 is the longest purpose code
    st.text(max_size=10),
    st.integers(),
)
field_lists = st.one_of(
    st.lists(names, min_size=0, max_size=55),
    st.text(max_size=10),
    st.none(),
)
valid_names = st.from_regex(r"\A[a-z0-9_-]{1,8}\.[a-z0-9_]{1,8}\Z")
# Bodies one part away from well-formed: where a fast path that is too lenient would show.
near_valid = st.fixed_dictionaries(
    {
        "subject": st.one_of(st.uuids().map(str), subjects),
        "purpose": st.one_of(st.just("tax-assessment"), purposes),
        "fields": st.one_of(
            st.lists(valid_names, min_size=1, max_size=50),
            st.lists(st.one_of(valid_names, names), min_size=1, max_size=3),
            st.lists(valid_names, min_size=50, max_size=51),
            field_lists,
        ),
    }
)
any_shape = st.fixed_dictionaries(
    {},
    optional={
        "subject": subjects,
        "national_id": st.one_of(st.text(max_size=25), st.none()),
        "purpose": purposes,
        "fields": field_lists,
        "extra": st.integers(),
    },
)
bodies = st.one_of(near_valid, any_shape)


def serializer_answer(body):
    serializer = DataRequestInSerializer(data=body)
    return dict(serializer.validated_data) if serializer.is_valid() else None


@settings(max_examples=400, deadline=None)
@given(body=bodies)
def test_the_fast_path_accepts_only_what_the_serializer_accepts_and_agrees_with_it(body):
    fast = data_request_in_fast(body)
    if fast is not None:
        assert serializer_answer(body) == fast


@settings(max_examples=50, deadline=None)
@given(
    subject=st.uuids().map(str),
    purpose=st.from_regex(r"\A[-a-zA-Z0-9_]{1,80}\Z"),
    fields=st.lists(valid_names, min_size=1, max_size=50),
)
def test_a_well_formed_request_by_subject_takes_the_fast_path(subject, purpose, fields):
    body = {"subject": subject, "purpose": purpose, "fields": fields}
    fast = data_request_in_fast(body)
    assert fast == {"subject": uuid.UUID(subject), "purpose": purpose, "fields": fields}
    assert fast == serializer_answer(body)


def test_a_request_by_national_id_goes_through_the_serializer():
    body = {"national_id": "123456789", "purpose": "tax", "fields": ["population.town"]}
    assert data_request_in_fast(body) is None
    assert data_request_in(body) == {
        "national_id": "123456789",
        "purpose": "tax",
        "fields": ["population.town"],
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": SUBJECT, "purpose": "tax", "fields": []}, "fields"),
        ({"subject": SUBJECT, "purpose": "tax", "fields": ["nodot"]}, "fields"),
        ({"subject": SUBJECT, "purpose": "t a x", "fields": ["a.b"]}, "purpose"),
        ({"subject": "not-a-uuid", "purpose": "tax", "fields": ["a.b"]}, "subject"),
        ({"purpose": "tax", "fields": ["a.b"]}, "subject"),
        ([1, 2], "non_field_errors"),
    ],
)
def test_a_malformed_body_is_refused_by_the_serializer_naming_the_field(body, field):
    with pytest.raises(ValidationError) as raised:
        data_request_in(body)
    assert field in raised.value.detail


def _body(**changes):
    return {"subject": SUBJECT, "purpose": "tax-assessment", "fields": ["a.b"]} | changes


@pytest.mark.parametrize(
    "body",
    [
        _body(purpose="p" * 80),
        _body(purpose="p" * 81),
        _body(fields=["a." + "b" * 128]),
        _body(fields=["a." + "b" * 129]),
        _body(fields=["a.b"] * 50),
        _body(fields=["a.b"] * 51),
        _body(fields=["a.b\n"]),
        _body(fields=[" a.b"]),
        _body(purpose="tax\n"),
        _body(subject=SUBJECT.upper()),
        _body(subject=SUBJECT.replace("-", "")),
        _body(subject=f" {SUBJECT}"),
    ],
    ids=lambda body: repr(body)[:60],
)
def test_at_every_limit_the_fast_path_and_the_serializer_agree(body):
    fast = data_request_in_fast(body)
    assert fast is None or fast == serializer_answer(body)
    if serializer_answer(body) is None:
        assert fast is None


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Europe/Brussels"])
def test_an_answer_is_represented_exactly_as_the_answer_serializer_would(tax, person, policy, zone):
    from django.utils import timezone

    from govdoor.exchange import services
    from govdoor.exchange.api.serializers import AnswerSerializer, answer_representation

    answer = services.data_request_answer(
        requester=tax,
        purpose_code="housing-benefit",
        fields=["population.street", "population.age_over_18"],
        subject_id=str(person.pk),
    )
    with timezone.override(zone):
        built = answer_representation(answer.request, answer.data)
        serialized = AnswerSerializer().to_representation(
            {"request": answer.request, "data": answer.data}
        )
    assert built == serialized
    assert built["data"]["population"][0] == {"street": "High Street 1", "age_over_18": True}
    assert built["request"]["created_at"].endswith("Z" if zone == "UTC" else ":00")
