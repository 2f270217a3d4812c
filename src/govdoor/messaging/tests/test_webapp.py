"""The installable web app: manifest, icons, service worker, and the portal's link to them."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from PIL import Image

pytestmark = pytest.mark.django_db


def test_the_manifest_makes_govdoor_installable_starting_at_my_govdoor():
    answer = Client().get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/manifest+json"
    manifest = json.loads(answer.content)
    assert manifest["start_url"] == "/my/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone" and manifest["theme_color"] == "#0e2a3b"
    assert manifest["short_name"] == "govdoor" and manifest["name"].startswith("govdoor")
    purposes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert purposes == {(f"{s}x{s}", p) for s in (192, 512) for p in ("any", "maskable")}


@pytest.mark.parametrize("size", [192, 512])
@pytest.mark.parametrize("purpose", ["any", "maskable"])
def test_every_icon_the_manifest_names_is_a_png_of_that_size(size, purpose):
    manifest = json.loads(Client().get("/manifest.webmanifest").content)
    [icon] = [
        i for i in manifest["icons"] if i["sizes"] == f"{size}x{size}" and i["purpose"] == purpose
    ]
    answer = Client().get(icon["src"])
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(answer.content))
    assert image.format == "PNG" and image.size == (size, size)
    # The corners are the brand colour (maskable icons may be cut to any shape).
    assert image.convert("RGB").getpixel((1, 1)) == (0x0E, 0x2A, 0x3B)


@pytest.mark.parametrize("path", ["/icons/govdoor-64-any.png", "/icons/govdoor-192-round.png"])
def test_icons_of_other_sizes_or_purposes_are_not_found(path):
    assert Client().get(path).status_code == 404


def test_portal_pages_link_the_manifest_and_the_app_files_answer_only_reads():
    page = Client().get("/check-a-message/")
    assert b'<link rel="manifest" href="/manifest.webmanifest">' in page.content
    assert Client().post("/sw.js").status_code == 405
    assert Client().post("/manifest.webmanifest").status_code == 405
