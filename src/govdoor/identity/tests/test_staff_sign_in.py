from __future__ import annotations

import re
import time

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from govdoor.core.errors import Conflict, DomainError
from govdoor.identity.decorators import staff_required
from govdoor.identity.services import staff_user_create
from govdoor.identity.staff_auth import demo_totp_code
from govdoor.identity.tests.factories import OrganisationFactory
from govdoor.organisations.models import StaffRole

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
DEMO_KEY = "3132333435363738393031323334353637383930"
SIGN_IN, VERIFY = "/staff/sign-in/", "/staff/verify/"


@pytest.fixture
def staff():
    return staff_user_create(
        username="ana.caseworker",
        email="ana@agency.example",
        password=PASSWORD,
        organisation=OrganisationFactory(),
        roles=["case_worker"],
        totp_key=DEMO_KEY,
    )


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


@staff_required
def _backoffice_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("back office")


def test_staff_user_create_gives_roles_and_a_confirmed_demo_device(staff) -> None:
    assert staff.check_password(PASSWORD) and staff.person_id is None
    assert list(staff.staff_roles.values_list("role", flat=True)) == ["case_worker"]
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed and device.key == DEMO_KEY
    assert demo_totp_code(staff) == _code(device)


def test_staff_user_create_accepts_a_single_role_and_no_password() -> None:
    user = staff_user_create(
        username="first.admin",
        email="a@x.example",
        organisation=OrganisationFactory(),
        role=StaffRole.Role.ADMIN,
    )
    assert not user.has_usable_password() and user.is_staff
    assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"roles": []}, DomainError),
        ({"roles": ["emperor"]}, DomainError),
        ({"totp_key": "not-hex"}, DomainError),
        ({"username": "ana.caseworker"}, Conflict),
    ],
)
def test_staff_user_create_refuses_bad_input(staff, kwargs: dict, error: type) -> None:
    args = {
        "username": "bo",
        "email": "bo@x.example",
        "password": PASSWORD,
        "organisation": OrganisationFactory(),
        "roles": ["auditor"],
        **kwargs,
    }
    with pytest.raises(error):
        staff_user_create(**args)


def test_demo_totp_code_is_only_available_in_demo_and_test_mode(staff) -> None:
    with override_settings(GOVDOOR_MODE="production"):
        assert demo_totp_code(staff) is None


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_staff_sign_in_with_password_then_totp_reaches_the_back_office(client, staff) -> None:
    page = client.get(SIGN_IN + "?next=/backoffice/cases/")
    assert page.status_code == 200 and "Staff sign-in" in page.content.decode()
    response = client.post(
        SIGN_IN, {"username": staff.username, "password": PASSWORD, "next": "/backoffice/cases/"}
    )
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert "Enter your security code" in client.get(VERIFY).content.decode()
    wrong = client.post(
        VERIFY, {"code": "000000" if demo_totp_code(staff) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    done = client.post(VERIFY, {"code": demo_totp_code(staff)})
    assert done.status_code == 302 and done["Location"] == "/backoffice/cases/"
    request = client.get(VERIFY).wsgi_request
    assert request.user.is_verified()
    assert _backoffice_page(request).content == b"back office"


def test_wrong_codes_throttle_the_device(client, staff) -> None:
    client.post(SIGN_IN, {"username": staff.username, "password": PASSWORD})
    wrong = "000000" if demo_totp_code(staff) != "000000" else "111111"
    client.post(VERIFY, {"code": wrong})
    response = client.post(VERIFY, {"code": demo_totp_code(staff)})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert not response.wsgi_request.user.is_verified()


@pytest.mark.parametrize("code", ["12345", "abcdef", ""])
def test_a_malformed_code_is_refused_next_to_the_field(client, staff, code: str) -> None:
    client.post(SIGN_IN, {"username": staff.username, "password": PASSWORD})
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "govuk-error-message" in response.content.decode()


def test_staff_required_refuses_a_password_only_sign_in(client, staff) -> None:
    client.post(SIGN_IN, {"username": staff.username, "password": PASSWORD})
    request = client.get(SIGN_IN).wsgi_request
    response = _backoffice_page(request)
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def test_staff_without_a_device_enrol_and_confirm_a_code(client) -> None:
    user = staff_user_create(
        username="new.starter",
        email="n@x.example",
        password=PASSWORD,
        organisation=OrganisationFactory(),
        roles=["auditor"],
    )
    client.post(SIGN_IN, {"username": user.username, "password": PASSWORD})
    page = client.get(VERIFY).content.decode()
    assert "Set up your authenticator app" in page
    assert "otpauth://totp/" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    secret = re.search(r'<code class="govdoor-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert secret.replace(" ", "")
    response = client.post(VERIFY, {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/backoffice/"
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.parametrize(
    "data",
    [
        {"username": "ana.caseworker", "password": "wrong password!!"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "", "password": ""},
    ],
)
def test_a_wrong_username_or_password_is_refused(client, staff, data: dict) -> None:
    response = client.post(SIGN_IN, data)
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_citizen_account_cannot_use_staff_sign_in(client, person) -> None:
    from govdoor.identity.services import user_for_person

    user = user_for_person(person=person)
    user.set_password(PASSWORD)
    user.save()
    response = client.post(SIGN_IN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 400


def test_the_verify_step_needs_the_password_step_first(client, staff) -> None:
    assert client.get(VERIFY)["Location"] == SIGN_IN
    assert client.post(VERIFY, {"code": demo_totp_code(staff)})["Location"] == SIGN_IN


@override_settings(AXES_FAILURE_LIMIT=3)
def test_too_many_failures_lock_the_account_out_with_a_429_page(client, staff) -> None:
    for _ in range(2):
        assert (
            client.post(
                SIGN_IN, {"username": staff.username, "password": "nope nope nope"}
            ).status_code
            == 400
        )
    locked = client.post(SIGN_IN, {"username": staff.username, "password": "nope nope nope"})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    right = client.post(SIGN_IN, {"username": staff.username, "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_staff_sign_out(client, staff) -> None:
    client.post(SIGN_IN, {"username": staff.username, "password": PASSWORD})
    client.post(VERIFY, {"code": demo_totp_code(staff)})
    response = client.post("/staff/sign-out/")
    assert response["Location"] == SIGN_IN and "_auth_user_id" not in client.session


def test_the_verify_page_shows_the_current_code_only_in_demo_mode(client, staff) -> None:
    client.post(SIGN_IN, {"username": staff.username, "password": PASSWORD})
    with override_settings(GOVDOOR_MODE="demo"):
        page = client.get(VERIFY).content.decode()
        assert "Demo only" in page
        assert re.search(r"current code is <strong>\d{6}</strong>", page)
    with override_settings(GOVDOOR_MODE="production"):
        assert "Demo only" not in client.get(VERIFY).content.decode()
