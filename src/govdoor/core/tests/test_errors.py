"""Every API error is RFC 9457 problem+json; validation errors name the failing field."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from govdoor.core.errors import (
    PROBLEM_CONTENT_TYPE,
    Conflict,
    DomainError,
    NotFound,
    Refused,
    Unavailable,
    _flatten,
)

factory = APIRequestFactory()


class AddressIn(serializers.Serializer):
    postcode = serializers.RegexField(r"^\d{4}$")
    town = serializers.CharField()


class ApplicationIn(serializers.Serializer):
    service = serializers.CharField()
    address = AddressIn()
    children = serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=1)

    def validate(self, attrs):
        if attrs["service"] == "closed":
            raise serializers.ValidationError("this service is closed")
        return attrs


class Endpoint(APIView):
    permission_classes = [AllowAny]
    raises: Exception | None = None

    def post(self, request):
        ApplicationIn(data=request.data).is_valid(raise_exception=True)
        return Response({"ok": True})

    def get(self, request):
        raise self.raises


def _call(method: str, data=None, raises=None, view=Endpoint):
    request = getattr(factory, method)("/api/v1/test", data, format="json")
    response = view.as_view(raises=raises)(request)
    response.render()
    return response, json.loads(response.content)


def test_a_validation_error_names_each_field_including_nested_ones():
    response, body = _call(
        "post", {"service": "x", "address": {"postcode": "12", "town": ""}, "children": [1, -1]}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    assert body["type"].endswith("/invalid-request")
    assert body["status"] == 400
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"address.postcode", "address.town", "children[1]"}
    assert "address.postcode" in body["detail"]


def test_a_missing_body_field_is_named():
    _, body = _call("post", {"address": {"postcode": "1234", "town": "T"}, "children": [1]})
    assert body["errors"] == [{"field": "service", "detail": "This field is required."}]


def test_an_error_about_the_whole_body_is_named_body():
    _, body = _call(
        "post", {"service": "closed", "address": {"postcode": "1234", "town": "T"}, "children": [0]}
    )
    assert body["errors"] == [{"field": "body", "detail": "this service is closed"}]


def test_flatten_names_items_of_lists_of_objects_by_index():
    detail = {"people": [{}, {"birth_date": ["Bad date."]}], "non_field_errors": ["No."]}
    assert _flatten(detail) == [
        {"field": "people[1].birth_date", "detail": "Bad date."},
        {"field": "body", "detail": "No."},
    ]


@pytest.mark.parametrize(
    ("error", "status", "type_"),
    [
        (DomainError("refused by a rule"), 400, "domain-error"),
        (Refused("not your case"), 403, "refused"),
        (NotFound("no such case"), 404, "not-found"),
        (Conflict("already decided"), 409, "conflict"),
        (Unavailable("register offline"), 503, "unavailable"),
    ],
)
def test_domain_errors_map_to_their_status_as_problem_json(error, status, type_):
    response, body = _call("get", raises=error)
    assert response.status_code == status
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    assert body["status"] == status
    assert body["type"] == f"https://govdoor.example/problems/{type_}"
    assert body["detail"] == str(error)
    assert "errors" not in body


def test_a_domain_error_about_a_field_names_it():
    _, body = _call("get", raises=Conflict("already taken", field="email"))
    assert body["errors"] == [{"field": "email", "detail": "already taken"}]


@pytest.mark.parametrize(
    ("error", "status"), [(Http404("gone"), 404), (PermissionDenied("not yours"), 403)]
)
def test_django_404_and_403_raised_in_an_api_view_are_problem_json(error, status):
    response, body = _call("get", raises=error)
    assert response.status_code == status
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    assert body["status"] == status


def test_an_unauthenticated_call_is_problem_json():
    class Private(Endpoint):
        permission_classes = [IsAuthenticated]

    response, body = _call("get", view=Private)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    assert body["type"].endswith("/not-authenticated")


@pytest.mark.django_db
def test_an_unknown_api_path_answers_404_problem_json(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    assert response.json()["status"] == 404


@pytest.mark.django_db
def test_an_unknown_page_answers_an_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
