"""Staff sign-in: password (counted by django-axes), then a TOTP code or TOTP enrolment."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from govdoor.identity.forms import StaffOtpForm, StaffSignInForm
from govdoor.identity.models import User
from govdoor.identity.signin import safe_next
from govdoor.identity.staff_auth import (
    confirmed_device,
    demo_totp_code,
    device_qr_svg,
    device_secret_base32,
    enrolment_device,
)

STAFF_HOME = "/backoffice/"
SESSION_STAFF_NEXT = "govdoor.staff_next"


@require_http_methods(["GET", "POST"])
def staff_sign_in(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), STAFF_HOME)
    form = StaffSignInForm(request.POST or None, initial={"next": next_url})
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if isinstance(user, User) and user.person_id is None and user.staff_roles.exists():
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_STAFF_NEXT] = next_url
            return HttpResponseRedirect(reverse("identity:staff-otp"))
        form.add_error(None, _("The username or password is not right."))
    status = 400 if form.errors else 200
    return render(request, "identity/staff_sign_in.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def staff_otp(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not user.staff_roles.exists():
        return HttpResponseRedirect(reverse("identity:staff-sign-in"))
    next_url = safe_next(request, request.session.get(SESSION_STAFF_NEXT), STAFF_HOME)
    if getattr(user, "is_verified", lambda: False)():
        return HttpResponseRedirect(next_url)
    device = confirmed_device(user)
    enrolling = device is None
    if device is None:
        device = enrolment_device(user)
    form = StaffOtpForm(request.POST or None)
    allowed, _info = device.verify_is_allowed()
    if request.method == "POST" and form.is_valid() and not allowed:
        # django-otp throttles a device after wrong codes (doubling delays).
        form.add_error("code", _("Too many wrong codes. Wait a few seconds and try again."))
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session.pop(SESSION_STAFF_NEXT, None)
            return HttpResponseRedirect(next_url)
        form.add_error("code", _("The security code is not right, or has expired."))
    context = {"form": form, "enrolling": enrolling}
    if not enrolling:
        # Demo mode only (None otherwise): the printed codes expire in 30 s, so the demo
        # shows a visitor the current one instead of sending them back to the terminal.
        context["demo_code"] = demo_totp_code(user)
    if enrolling:
        context.update(
            secret=device_secret_base32(device),
            otpauth_uri=device.config_url,
            qr_svg=device_qr_svg(device),
        )
    status = 400 if form.errors else 200
    return render(request, "identity/staff_otp.html", context, status=status)


@require_POST
def staff_sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("identity:staff-sign-in"))
