"""A register kept in a legacy system, read over HTTP (JSON).

The legacy system answers `GET {base_url}{path}?page=N` with either a JSON list of records or
`{"results": [...], "next": <url or null>}`. Why a bounded pager and timeout: a legacy
system that loops or hangs must not hang govdoor; it fails with `Unavailable`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from govdoor.core.errors import DomainError, Unavailable
from govdoor.registries.adapters import Row, adapters

MAX_PAGES = 1000


@adapters.register("remote")
class RemoteSource:
    def __init__(self, config: dict[str, Any]) -> None:
        base = str(config.get("base_url", ""))
        if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
            raise DomainError(_("A remote register needs an http(s) base_url."), field="base_url")
        self.base_url = base.rstrip("/")
        self.path = "/" + str(config.get("path", "records")).lstrip("/")
        self.timeout = float(config.get("timeout", 5))
        self.headers = {str(k): str(v) for k, v in config.get("headers", {}).items()}

    def _get(self, url: str) -> Any:
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", **self.headers}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise Unavailable(
                _("The legacy register answered %(code)d.") % {"code": exc.code}
            ) from None
        except (urllib.error.URLError, TimeoutError, json.JSONDecodeError, OSError):
            raise Unavailable(_("The legacy register cannot be reached.")) from None

    def rows(self) -> Iterator[Row]:
        url: str | None = f"{self.base_url}{self.path}?page=1"
        number = 0
        for _page in range(MAX_PAGES):
            if url is None:
                return
            body = self._get(url)
            items = body if isinstance(body, list) else (body or {}).get("results", [])
            for item in items:
                number += 1
                yield number, dict(item)
            next_url = None if isinstance(body, list) else (body or {}).get("next")
            # Only follow pages on the same system.
            if next_url and not str(next_url).startswith(self.base_url):
                raise Unavailable(_("The legacy register pointed outside itself."))
            url = next_url
        raise Unavailable(_("The legacy register has too many pages."))

    def get(self, key: str) -> dict[str, Any] | None:
        """One record by its key, live (read-through)."""
        body = self._get(f"{self.base_url}{self.path}/{urllib.parse.quote(key, safe='')}")
        return dict(body) if isinstance(body, dict) else None
