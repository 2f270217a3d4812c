"""An upload handler that stops buffering a file as soon as it is over the size limit.

Why: Django would otherwise spool a 2 GB upload to a temporary file before any view ran.
This handler goes first; past the limit it skips the file (nothing is kept, in memory or on
disk) and remembers why, so the view answers "too large" instead of "choose a file".
Install it before the body is read: `limit_uploads(request)` at the top of a csrf_exempt
view that then calls its csrf_protect inner view (Django's documented pattern).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from govdoor.documents.services import max_upload_bytes

# Room for the other form fields and the multipart boundaries around the file.
ENVELOPE_SLACK = 64 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes() if limit is None else limit
        self.too_large = False
        self._received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 - Django's parameter name
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        if content_length > self.limit + ENVELOPE_SLACK:
            self.too_large = True

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0
        if self.too_large:
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self._received += len(raw_data)
        if self._received > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limit_uploads(request: Any) -> SizeLimitUploadHandler:
    """Put the size guard first among the request's upload handlers (before the body is read)."""
    handler = SizeLimitUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler
