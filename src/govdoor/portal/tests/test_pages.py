"""The citizen portal through HTTP: layout, home, My govdoor, language switch, error pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from govdoor.identity.models import LevelOfAssurance
from govdoor.identity.selectors import acting_for_from
from govdoor.portal import views
from govdoor.portal.tests.conftest import SignIn
from govdoor.portal.tests.factories import MandateFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _text(response: HttpResponse) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_home_page_says_what_govdoor_is_and_how_to_start(client: Client) -> None:
    response = client.get("/")
    html = _text(response)
    assert response.status_code == 200
    assert "One door to government" in html
    assert 'href="/sign-in/?next=/my/"' in html
    assert "govdoor<span" in html and "Republic of Demoland" in html


def test_the_layout_has_a_language_skip_link_and_no_inline_script(client: Client) -> None:
    html = _text(client.get("/"))
    assert '<html lang="en" class="govuk-template">' in html
    assert 'href="#main-content" class="govuk-skip-link"' in html
    assert 'id="main-content"' in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts, "GOV.UK Frontend must be started by a static script"
    assert all(" src=" in tag for tag in scripts), scripts
    assert "Demo</strong>" in html  # phase banner


def test_the_demo_phase_banner_is_not_shown_in_production(client: Client, settings) -> None:
    settings.GOVDOOR_MODE = "production"
    html = _text(client.get("/"))
    assert "govuk-phase-banner" not in html
    assert "made up" not in html


def test_the_layout_shows_no_crown_and_no_gov_uk_logo(client: Client) -> None:
    html = _text(client.get("/"))
    assert "govuk-header__logo" not in html
    assert "crown" not in html.lower()
    assert "GOV.UK" not in html


def test_the_header_and_home_page_link_to_the_service_catalogue(client: Client) -> None:
    html = _text(client.get("/"))
    services = reverse("catalogue:home")
    assert f'<a class="govuk-service-navigation__link" href="{services}">Services</a>' in html
    assert f'<a class="govuk-link" href="{services}">' in html


def test_an_anonymous_visitor_is_offered_sign_in_and_no_sign_out(client: Client) -> None:
    html = _text(client.get("/"))
    assert ">Sign in</a>" in html
    assert "Sign out" not in html


def test_a_signed_in_person_signs_out_with_a_post_form(client: Client, sign_in: SignIn) -> None:
    sign_in()
    html = _text(client.get("/"))
    form = re.search(
        r'<form method="post" action="([^"]+)">\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken"[^>]*>\s*<button[^>]*>Sign out</button>',
        html,
    )
    assert form is not None
    assert form.group(1) == reverse("identity:sign-out")


def test_staff_sign_out_of_the_back_office_and_see_no_my_govdoor_link(client: Client) -> None:
    from govdoor.identity.models import User

    staff = User.objects.create_user(username="clerk", password="a long enough password")
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    html = _text(client.get("/"))
    assert f'<form method="post" action="{reverse("identity:staff-sign-out")}">' in html
    assert ">My govdoor<" not in html


def test_my_govdoor_sends_an_anonymous_visitor_to_sign_in_and_back(client: Client) -> None:
    response = client.get("/my/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=%2Fmy%2F&loa=1"


def test_my_govdoor_sends_an_account_without_a_person_to_sign_in(client: Client) -> None:
    from govdoor.identity.models import User

    staff = User.objects.create_user(username="clerk", password="a long enough password")
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/my/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=%2Fmy%2F")


def test_my_govdoor_shows_who_i_am_and_how_i_signed_in(client: Client, sign_in: SignIn) -> None:
    person = PersonFactory(
        given_name="Amélie", family_name="Fontaine", birth_date=dt.date(1984, 3, 9)
    )
    sign_in(UserFactory(person=person), loa=LevelOfAssurance.SUBSTANTIAL, idp="demo")
    response = client.get("/my/")
    html = _text(response)
    assert response.status_code == 200
    assert "<h1" in html and "My govdoor</h1>" in html
    assert "Amélie Fontaine" in html
    assert "9 March 1984" in html
    assert "Substantial" in html
    assert "Demo sign-in" in html
    assert "Now you are acting for yourself." in html
    assert "You hold no mandates to act for someone else." in html


def test_my_govdoor_shows_the_level_of_this_sign_in_not_a_fixed_one(
    client: Client, sign_in: SignIn
) -> None:
    sign_in(loa=LevelOfAssurance.HIGH)
    html = _text(client.get("/my/"))
    assert '<dd class="govuk-summary-list__value">High</dd>' in html
    assert "Substantial" not in html


def test_my_govdoor_lists_the_mandates_in_force_i_hold(client: Client, sign_in: SignIn) -> None:
    me = PersonFactory()
    MandateFactory(
        representative=me,
        represented_person=PersonFactory(given_name="Jules"),
        valid_until=dt.date(2099, 12, 31),
    )
    MandateFactory(
        representative=me,
        represented_person=PersonFactory(given_name="Revoked"),
        revoked_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )
    MandateFactory(
        representative=PersonFactory(), represented_person=PersonFactory(given_name="Someoneelses")
    )
    sign_in(UserFactory(person=me))
    html = _text(client.get("/my/"))
    assert "Mandates you hold" in html
    assert "Jules Fontaine" in html
    assert "Authorised representative" in html
    assert "Authorised representative, until 31 December 2099" in html
    assert "Revoked" not in html
    assert "Someoneelses" not in html


def test_my_govdoor_links_to_consents_objections_agencies_told_and_registers(
    client: Client, sign_in: SignIn
) -> None:
    sign_in()
    html = _text(client.get("/my/"))
    for route in ("exchange:my-consents", "exchange:my-objections", "registries:my-registers"):
        assert f'href="{reverse(route)}"' in html, route
    assert f'href="{reverse("exchange:my-consents")}#told"' in html
    assert 'id="told"' in _text(client.get(reverse("exchange:my-consents")))


def test_my_govdoor_links_to_cases_letters_documents_mailbox_deadlines_and_ledger(
    client: Client, sign_in: SignIn
) -> None:
    sign_in()
    html = _text(client.get("/my/"))
    for heading in ("My cases", "My letters", "My deadlines", "Who used my data"):
        assert f">{heading}</h2>" in html
    assert "Nothing here yet." not in html
    assert "You have no cases yet." in html
    for route in (
        "letters:mine",
        "documents:mine",
        "messaging:inbox",
        "messaging:calendar",
        "ledger:my-data-uses",
    ):
        assert f'href="{reverse(route)}"' in html


def test_my_govdoor_says_nothing_is_there_yet_where_a_domain_is_not_installed(
    client: Client, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "url_or_none", lambda name: None)
    sign_in()
    html = _text(client.get("/my/"))
    assert html.count("Nothing here yet.") == 4
    assert "/my/messages/" not in html


def test_my_govdoor_reads_the_same_few_queries_however_many_mandates(
    client: Client, sign_in: SignIn, django_assert_max_num_queries
) -> None:
    me = PersonFactory()
    for _ in range(6):
        MandateFactory(representative=me)
    sign_in(UserFactory(person=me))
    # session, user, person, mandates with their parties (one query, not one per mandate)
    with django_assert_max_num_queries(5):
        response = client.get("/my/")
    assert response.status_code == 200
    assert _text(response).count('<div class="govuk-summary-list__row">') == 4 + 6


def test_the_language_switch_turns_the_page_french_and_keeps_it(
    client: Client, sign_in: SignIn
) -> None:
    sign_in()
    english = _text(client.get("/my/"))
    assert 'name="language" value="fr"' in english
    assert '<input type="hidden" name="next" value="/my/">' in english
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/my/"})
    assert response.status_code == 302
    assert response["Location"] == "/my/"
    french = _text(client.get("/my/"))
    assert '<html lang="fr"' in french
    assert "Mon govdoor</h1>" in french
    assert 'name="language" value="en"' in french


def test_the_language_switch_does_not_redirect_to_another_site(client: Client) -> None:
    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "https://evil.example/phish"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_the_language_switch_needs_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 403


def test_an_unknown_path_answers_the_not_found_page_in_the_layout(client: Client) -> None:
    response = client.get("/no-such-page/")
    html = _text(response)
    assert response.status_code == 404
    assert "Page not found" in html
    assert 'class="govuk-skip-link"' in html


def test_the_forbidden_and_server_error_pages_use_the_layout(rf: RequestFactory) -> None:
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    forbidden = views.forbidden(request, PermissionDenied("Not for you."))
    assert forbidden.status_code == 403
    assert "You cannot see this page" in _text(forbidden)
    assert "Not for you." in _text(forbidden)
    error = views.server_error(request)
    assert error.status_code == 500
    assert "Sorry, there is a problem with the service" in _text(error)
    assert 'class="govuk-skip-link"' in _text(error)


def test_an_unknown_api_path_answers_problem_json(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_acting_for_banner_names_whom_i_act_for_and_links_to_change(rf: RequestFactory) -> None:
    mandate = MandateFactory(represented_person=PersonFactory(given_name="Léon"))
    request = rf.get("/")
    request.user = UserFactory(person=mandate.representative)
    request.session = {}  # type: ignore[assignment]
    request.acting_for = acting_for_from(mandate)  # type: ignore[attr-defined]
    html = _text(views.home(request))
    assert "You are acting for Léon Fontaine</strong>" in html
    assert f'href="{reverse("identity:acting-for")}?next=/"' in html


def test_my_govdoor_says_whose_data_it_shows_when_acting_for_someone(
    client: Client, sign_in: SignIn
) -> None:
    me = PersonFactory()
    mandate = MandateFactory(representative=me, represented_person=PersonFactory(given_name="Léon"))
    sign_in(UserFactory(person=me), acting_for=mandate)
    html = _text(client.get("/my/"))
    assert "You are acting for Léon Fontaine</strong>" in html
    assert "This page is about you" in html
    assert "also include Léon Fontaine’s" in html
    assert "Now you are acting for Léon Fontaine." in html
