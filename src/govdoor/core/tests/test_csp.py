"""The cached Content-Security-Policy header is django-csp's, and anything a request or view
asks for itself still goes through django-csp."""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from csp.decorators import csp_exempt, csp_update
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from govdoor.core.csp import CSPMiddleware


def _run(view, request: HttpRequest | None = None) -> tuple[HttpRequest, HttpResponse]:
    request = request or RequestFactory().get("/somewhere/")
    return request, CSPMiddleware(view)(request)


def _plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_a_plain_response_gets_django_csps_own_header() -> None:
    _, response = _run(_plain)
    assert response[HEADER] == build_policy()
    assert "frame-ancestors 'none'" in response[HEADER]
    assert HEADER_REPORT_ONLY not in response  # no report-only policy configured


def test_a_nonce_used_by_the_page_is_in_its_header_and_differs_per_request() -> None:
    def with_nonce(request: HttpRequest) -> HttpResponse:
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")  # type: ignore[attr-defined]

    headers = []
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        for _ in range(2):
            request, response = _run(with_nonce)
            assert f"'nonce-{request._csp_nonce}'" in response[HEADER]  # type: ignore[attr-defined]
            headers.append(response[HEADER])
        assert headers[0] != headers[1]
        assert _run(_plain)[1][HEADER] == build_policy()  # without a nonce: the cached one


def test_a_view_that_updates_or_exempts_its_policy_is_honoured() -> None:
    updated = csp_update({"img-src": ["https://maps.example"]})(_plain)
    _, response = _run(updated)
    assert "https://maps.example" in response[HEADER]
    _, response = _run(csp_exempt()(_plain))
    assert HEADER not in response


def test_a_header_set_by_the_view_is_kept() -> None:
    def own(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("ok")
        response[HEADER] = "default-src 'none'"
        return response

    _, response = _run(own)
    assert response[HEADER] == "default-src 'none'"


def test_changed_settings_change_the_header_and_report_only_is_written() -> None:
    before = _run(_plain)[1][HEADER]
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy
    ):
        response = _run(_plain)[1]
        assert response[HEADER] == "default-src 'none'"
        assert response[HEADER_REPORT_ONLY] == "default-src 'none'"
    assert _run(_plain)[1][HEADER] == before


def test_excluded_prefixes_are_left_to_django_csp() -> None:
    policy = {"EXCLUDE_URL_PREFIXES": ["/somewhere"], "DIRECTIVES": {"default-src": ["'self'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert HEADER not in _run(_plain)[1]
        other = RequestFactory().get("/elsewhere/")
        assert _run(_plain, other)[1][HEADER] == "default-src 'self'"


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error() -> None:
    request, _ = _run(_plain)
    try:
        str(request.csp_nonce)  # type: ignore[attr-defined]
    except Exception as exc:
        assert "after the CSP header has been written" in str(exc)
    else:
        raise AssertionError("a late nonce must not be handed out")
