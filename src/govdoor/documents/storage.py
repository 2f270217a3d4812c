"""Where encrypted document content lives, and how it is sealed.

The storage is any Django storage backend (django-storages for S3 and others):
`STORAGES["documents"]` when the settings name one, else the local filesystem under
`GOVDOOR_DOCUMENTS_DIR` (default: the var directory's "documents" folder). Only ciphertext
is ever written to it.

Blob format: b"GDD1" || nonce (12 bytes) || AES-256-GCM(ciphertext || tag), the document id
bound as associated data, so a blob copied onto another document's name does not open.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

from govdoor.core import crypto

BLOB_MAGIC = b"GDD1"
KEY_CONTEXT = "documents.data-key"


class BlobError(ValueError):
    """The stored blob is missing, malformed or fails authentication."""


def documents_dir() -> Path:
    configured = getattr(settings, "GOVDOOR_DOCUMENTS_DIR", "")
    if configured:
        return Path(configured)
    from govdoor.conf.env import VAR_DIR

    return VAR_DIR / "documents"


@lru_cache(maxsize=4)
def _filesystem_storage(location: str) -> Storage:
    return FileSystemStorage(
        location=location, file_permissions_mode=0o600, directory_permissions_mode=0o700
    )


def documents_storage() -> Storage:
    """The configured storage for document blobs (a named Django storage or the local folder)."""
    if "documents" in getattr(settings, "STORAGES", {}):
        return storages["documents"]
    return _filesystem_storage(str(documents_dir()))


def storage_name_for(document_id: object) -> str:
    """The blob's name: derived from the opaque id only (never from the user's file name)."""
    text = str(document_id)
    return f"{text[-2:]}/{text}.bin"


def data_key_new() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def data_key_wrap(key: bytes, *, document_id: object) -> str:
    """Seal the data key with the active field key (core.crypto envelope with its key id)."""
    return crypto.encrypt(base64.b64encode(key).decode(), context=f"{KEY_CONTEXT}:{document_id}")


def data_key_unwrap(wrapped: str, *, document_id: object) -> bytes:
    try:
        return base64.b64decode(crypto.decrypt(wrapped, context=f"{KEY_CONTEXT}:{document_id}"))
    except crypto.DecryptionError as exc:
        raise BlobError("the data key does not open") from exc


def data_key_rewrap(wrapped: str, *, document_id: object) -> str:
    """Move a wrapped data key to the active field key (a no-op when it already uses it)."""
    return crypto.reencrypt(wrapped, context=f"{KEY_CONTEXT}:{document_id}")


def blob_seal(plaintext: bytes, *, key: bytes, document_id: object) -> bytes:
    nonce = os.urandom(12)
    return BLOB_MAGIC + nonce + AESGCM(key).encrypt(nonce, plaintext, str(document_id).encode())


def blob_open(blob: bytes, *, key: bytes, document_id: object) -> bytes:
    if not blob.startswith(BLOB_MAGIC) or len(blob) < len(BLOB_MAGIC) + 12 + 16:
        raise BlobError("not a govdoor document blob")
    nonce = blob[len(BLOB_MAGIC) : len(BLOB_MAGIC) + 12]
    try:
        return AESGCM(key).decrypt(nonce, blob[len(BLOB_MAGIC) + 12 :], str(document_id).encode())
    except Exception as exc:  # InvalidTag
        raise BlobError("the blob failed authentication") from exc


def blob_write(name: str, blob: bytes) -> str:
    storage = documents_storage()
    saved = storage.save(name, ContentFile(blob))
    if saved != name:  # the name is unique per document; a clash is a bug, not a rename
        storage.delete(saved)
        raise BlobError("a blob already exists under this name")
    return saved


def blob_read(name: str) -> bytes:
    storage = documents_storage()
    try:
        with storage.open(name, "rb") as handle:
            data: bytes = handle.read()
    except (FileNotFoundError, OSError) as exc:
        raise BlobError("the blob is missing") from exc
    return data


def blob_delete(name: str) -> None:
    """Delete a blob; a blob that is already gone is fine (purges are idempotent)."""
    documents_storage().delete(name)
