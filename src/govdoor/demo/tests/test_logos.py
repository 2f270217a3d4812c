"""The organisations' logo files are the ones the code draws, and they are valid SVG."""

from __future__ import annotations

from xml.etree import ElementTree

from govdoor.demo.geography import organisations_generate
from govdoor.demo.logos import LOGO_DIR, logo_svg


def test_every_organisation_has_a_logo_file_matching_the_code():
    for org in organisations_generate(country_name="Republic of Demoland"):
        path = LOGO_DIR / org.logo
        assert path.is_file(), f"{path} missing: run python -m govdoor.demo.logos"
        assert path.read_text(encoding="utf-8") == logo_svg(org), org.code


def test_logos_are_well_formed_svg_with_an_accessible_name():
    for org in organisations_generate(country_name="Republic of Demoland"):
        root = ElementTree.fromstring(logo_svg(org))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("role") == "img"
        assert root.get("aria-label") == org.name
