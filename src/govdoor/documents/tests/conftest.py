"""Fixtures of the documents tests: a private storage folder, people, staff and sample files."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.models import LevelOfAssurance, Person, User
from govdoor.identity.services import user_for_person
from govdoor.identity.tests.factories import PersonFactory
from govdoor.organisations.models import Organisation, StaffRole
from govdoor.organisations.tests.factories import (
    OrganisationFactory,
    StaffRoleFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
EICAR_TEXT = base64.b64decode(
    "WDVPIVAlQEFQWzRcUFpYNTQoUF4pN0NDKTd9JEVJQ0FSLVNUQU5EQVJELUFOVElWSVJVUy1URVNULUZJTEUhJEgrSCo="
)


@pytest.fixture(autouse=True)
def documents_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test stores its blobs in its own folder, scanned by the demo scanner."""
    folder = tmp_path / "documents"
    settings.GOVDOOR_DOCUMENTS_DIR = str(folder)
    settings.GOVDOOR_DOCUMENTS_SCANNER = "demo"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return folder


def stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.fixture
def owner(db: None) -> Person:
    return PersonFactory()


@pytest.fixture
def owner_user(owner: Person) -> User:
    return user_for_person(person=owner)


@pytest.fixture
def stranger_user(db: None) -> User:
    return user_for_person(person=PersonFactory())


@pytest.fixture
def town(db: None) -> Organisation:
    return OrganisationFactory(code="town", name="Town Hall", level=Organisation.Level.LOCAL)


@pytest.fixture
def other_org(db: None) -> Organisation:
    return OrganisationFactory(code="other", name="Other Agency")


@pytest.fixture
def case_worker(town: Organisation) -> User:
    user = UserFactory(username="worker")
    StaffRoleFactory(user=user, organisation=town, role=StaffRole.Role.CASE_WORKER)
    return user


@pytest.fixture
def other_worker(other_org: Organisation) -> User:
    user = UserFactory(username="elsewhere")
    StaffRoleFactory(user=user, organisation=other_org, role=StaffRole.Role.CASE_WORKER)
    return user


@pytest.fixture
def sign_in_person() -> Callable[..., Client]:
    def _sign_in(client: Client, user: User) -> Client:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[SESSION_LOA] = int(LevelOfAssurance.SUBSTANTIAL)
        session[SESSION_IDP] = "demo"
        session.save()
        return client

    return _sign_in
