"""File names and type sniffing: properties of the sanitiser (hypothesis) and examples."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govdoor.documents.checks import (
    ALLOWED_TYPES,
    MAX_FILENAME,
    filename_for_type,
    filename_sanitise,
    sniff,
)
from govdoor.documents.tests.conftest import ELF, JPEG, PDF, PNG

names = st.one_of(
    st.text(max_size=400),
    st.builds(
        lambda a, b, ext: f"{a}/{b}.{ext}",
        st.text(max_size=50),
        st.text(max_size=300),
        st.sampled_from(["pdf", "PNG", "jpg", "exe", "", " pdf", "tar.gz"]),
    ),
    st.from_regex(r"[\x00-\x1f\u202e\u200b ./\\:*?<>|a-zA-Z0-9éß]{0,200}", fullmatch=True),
)


@settings(max_examples=400, deadline=None)
@given(names)
def test_a_sanitised_name_is_short_plain_and_never_empty(name):
    safe = filename_sanitise(name)

    assert 0 < len(safe) <= MAX_FILENAME
    assert "/" not in safe and "\\" not in safe
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in safe)
    assert not any(ch in '<>:"|?*' for ch in safe)
    assert safe == safe.strip() and not safe.startswith(".") and not safe.endswith(".")
    assert "  " not in safe
    assert safe not in {".", ".."}


@settings(max_examples=400, deadline=None)
@given(names)
def test_sanitising_twice_changes_nothing(name):
    once = filename_sanitise(name)
    assert filename_sanitise(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=300), st.sampled_from(["pdf", "png", "jpeg"]))
def test_a_long_name_keeps_its_extension(stem, ext):
    safe = filename_sanitise(f"{stem}x.{ext}")
    assert safe.endswith(f".{ext}")


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\lena\\scan 1.JPG", "scan 1.jpg"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ("  .hidden.pdf  ", "hidden.pdf"),
        ("CON.pdf", "CON_.pdf"),
        ("a\tb\nc.pdf", "a b c.pdf"),
        ("what?.pdf", "what_.pdf"),
        ("", "document"),
        ("....", "document"),
        (".pdf", "pdf"),
    ],
)
def test_examples_of_sanitised_names(raw, safe):
    assert filename_sanitise(raw) == safe


@pytest.mark.parametrize(
    ("content", "mime"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (ELF, None)],
)
def test_the_type_comes_from_the_content(content, mime):
    assert (sniff(content) if mime else ALLOWED_TYPES.get(sniff(content) or "")) == mime


def test_an_extension_is_added_when_missing_and_a_wrong_one_is_not_accepted():
    pdf = ALLOWED_TYPES["application/pdf"]
    jpeg = ALLOWED_TYPES["image/jpeg"]

    assert filename_for_type("scan", pdf) == "scan.pdf"
    assert filename_for_type("scan.pdf", pdf) == "scan.pdf"
    assert filename_for_type("scan.jpg", jpeg) == "scan.jpg"
    assert filename_for_type("scan.jpeg", jpeg) == "scan.jpeg"
    assert filename_for_type("scan.png", pdf) is None
