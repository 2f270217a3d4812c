"""Simple SVG logos for the demo organisations: a shield in the level's shape and initials.

Why files and not generated on the fly: logos are static assets served by WhiteNoise from
`demo/static/govdoor/logos/`. Regenerate them with `python -m govdoor.demo.logos`; a test
checks that the files match this code.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from xml.sax.saxutils import escape

from govdoor.demo.geography import OrganisationSpec, organisations_generate

LOGO_DIR = Path(__file__).parent / "static"
# Dark colours, all with at least 4.5:1 contrast against white initials.
PALETTE = ("#1d70b8", "#005a30", "#4c2c92", "#942514", "#003078", "#6f3b00", "#505a5f", "#0b0c0c")
SHAPES = {
    "central": "M32 2 L60 12 V30 C60 46 48 56 32 62 C16 56 4 46 4 30 V12 Z",
    "regional": "M6 6 H58 V34 C58 48 46 58 32 62 C18 58 6 48 6 34 Z",
    "local": "M32 2 C48 2 62 14 62 32 C62 50 48 62 32 62 C16 62 2 50 2 32 C2 14 16 2 32 2 Z",
}


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w[:1].isupper()]
    skip = {"Municipal", "Council", "Regional", "Agency"}
    letters = [w[0] for w in words if w not in skip] or [name[0]]
    return "".join(letters[:3])


def logo_svg(org: OrganisationSpec) -> str:
    colour = PALETTE[hashlib.sha256(org.code.encode()).digest()[0] % len(PALETTE)]
    initials = escape(_initials(org.name))
    size = 22 if len(initials) < 3 else 16
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" '
        f'role="img" aria-label="{escape(org.name)}">'
        f'<path d="{SHAPES[org.level]}" fill="{colour}"/>'
        f'<text x="32" y="39" text-anchor="middle" font-family="Arial, sans-serif" '
        f'font-weight="700" font-size="{size}" fill="#ffffff">{initials}</text></svg>\n'
    )


def logos_write(*, country_name: str = "Republic of Demoland") -> list[Path]:
    written = []
    for org in organisations_generate(country_name=country_name):
        path = LOGO_DIR / org.logo
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(logo_svg(org), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in logos_write():
        print(written_path)
