"""Upload checks that need no database: file names and content types.

Why sniffing: the extension and the browser's content type are whatever the sender says.
The type is read from the content's first bytes (`filetype`), checked against an allow-list,
and the name's extension must agree with it.

Why no plain text, SVG, HTML or office files: text cannot be sniffed (any bytes "are" text),
SVG and HTML carry scripts, office files carry macros. PDFs and photos cover what people send
to government (scans, photos of a paper, a certificate as PDF).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import filetype

MAX_FILENAME = 100
DEFAULT_STEM = "document"


@dataclass(frozen=True)
class AllowedType:
    mime: str
    extensions: tuple[str, ...]  # the first is the canonical one
    label: str


ALLOWED_TYPES: dict[str, AllowedType] = {
    "application/pdf": AllowedType("application/pdf", ("pdf",), "PDF"),
    "image/png": AllowedType("image/png", ("png",), "PNG"),
    "image/jpeg": AllowedType("image/jpeg", ("jpg", "jpeg"), "JPEG"),
    "image/heic": AllowedType("image/heic", ("heic", "heif"), "HEIC"),
    "image/webp": AllowedType("image/webp", ("webp",), "WebP"),
}

# Windows-reserved characters and path separators; control and format characters (which
# include right-to-left overrides used to disguise "gpj.exe" as "exe.jpg") go too.
_FORBIDDEN = set('<>:"/\\|?*')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)


def allowed_labels() -> str:
    """ "PDF, PNG, JPEG, HEIC or WebP" (translated joiner)."""
    from django.utils.translation import gettext as _

    labels = [t.label for t in ALLOWED_TYPES.values()]
    return _("%(list)s or %(last)s") % {"list": ", ".join(labels[:-1]), "last": labels[-1]}


def sniff(head: bytes) -> str | None:
    """The MIME type the content's first bytes show, or None when they show nothing known."""
    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def _clean_char(ch: str) -> str:
    if ch.isspace():  # tabs, newlines and every other space become one plain space
        return " "
    category = unicodedata.category(ch)
    if ch in _FORBIDDEN or category in {"Cc", "Cf", "Cs", "Co", "Cn"}:
        return "_" if ch in _FORBIDDEN else ""
    if category.startswith("Z"):
        return " "
    return ch


def filename_sanitise(name: str) -> str:
    """A safe display and download name: no path, no control characters, at most 100 chars.

    Idempotent; never empty; keeps the (lower-cased) extension when there is room.
    """
    base = re.split(r"[/\\]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    cleaned = "".join(_clean_char(ch) for ch in base)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    stem, dot, ext = cleaned.rpartition(".")
    if not dot:
        stem, ext = cleaned, ""
    stem = stem.strip(" .")
    ext = ext.strip(" .").lower()
    if len(ext) > 10 or " " in ext:  # not an extension, just a dot in a name
        stem, ext = cleaned, ""
    if not stem or _WINDOWS_RESERVED.match(stem):
        stem = DEFAULT_STEM if not stem else f"{stem}_"
    room = MAX_FILENAME - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(" .") or DEFAULT_STEM
    return f"{stem}.{ext}" if ext else stem


def extension_of(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def filename_for_type(name: str, allowed: AllowedType) -> str | None:
    """The name with an extension that matches the type: added when missing, None when it
    names another type (the caller refuses: someone renamed the file, or chose the wrong one)."""
    ext = extension_of(name)
    if ext in allowed.extensions:
        return name
    if ext == "":
        return filename_sanitise(f"{name}.{allowed.extensions[0]}")
    return None
