"""Staff sign-in: throttled by django-axes, second factor by django-otp (TOTP).

Why TOTP and not SMS: it works offline, costs nothing, and django-otp throttles guesses.
"""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from govdoor.identity.models import User

DEVICE_NAME = "default"


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kw: Any
) -> HttpResponse:
    """django-axes calls this when a username/address has failed too often (429)."""
    hours = float(getattr(settings, "AXES_COOLOFF_TIME", 0) or 0)
    minutes = max(1, round(hours * 60)) if hours else None
    return render(request, "identity/staff_locked_out.html", {"minutes": minutes}, status=429)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device a staff member is enrolling (created once, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def device_secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps want it typed in (base32, grouped by 4)."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def device_qr_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code of the otpauth:// URI (no script, CSP-safe)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.find("<svg") :]  # without the XML declaration, to sit inside HTML
    label = escape(gettext("QR code to scan with your authenticator app"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def demo_totp_code(user: User) -> str | None:
    """The current TOTP code of a demo staff account (demo and test mode only).

    Why it exists: `make demo` prints the demo accounts with a code you can type, so a
    visitor can try the back office without an authenticator app.
    """
    if settings.GOVDOOR_MODE not in {"demo", "test"}:
        return None
    device = confirmed_device(user)
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"
