"""Model fields that keep personal identifiers encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.db import models

from govdoor.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stores a govdoor AES-GCM envelope; the Python value is the plaintext string.

    The context (AAD) is the field's "app_label.model.field", so an envelope copied into
    another column does not decrypt.
    """

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kw: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kw)
        self._context = f"{cls._meta.app_label}.{cls._meta.model_name}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self._context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self._context)
