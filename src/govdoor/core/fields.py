"""Model fields that keep personal identifiers encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import lookups

from govdoor.core import crypto

SEARCH_REFUSED = (
    "an encrypted field cannot be searched by its value (each encryption differs); "
    "look it up through its blind index instead"
)


class _EmptyOnlyExact(lookups.Exact):  # type: ignore[type-arg]
    """`field=""` still works (blank values are stored as they are); any other value would
    be encrypted afresh and silently match nothing, so it is refused."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in (None, ""):
            raise FieldError(SEARCH_REFUSED)
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stores a govdoor AES-GCM envelope; the Python value is the plaintext string.

    The context (AAD) is the field's "app_label.model.field", so an envelope copied into
    another column does not decrypt. Queries may only ask whether it is empty or null:
    searching by value goes through a blind index (`crypto.blind_index`).
    """

    def contribute_to_class(
        self, cls: type[models.Model], name: str, *args: Any, **kw: Any
    ) -> None:
        super().contribute_to_class(cls, name, *args, **kw)
        self._context = f"{cls._meta.app_label}.{cls._meta.model_name}.{name}"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(f"{SEARCH_REFUSED} (lookup {lookup_name!r})")

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self._context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self._context)
