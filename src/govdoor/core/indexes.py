"""Index kinds govdoor chooses per backend.

Why an equality index: blind indexes (HMAC digests of national numbers and other personal
fields) are only ever looked up by exact value, and their values are random. A b-tree of
random 64-character keys grows to four times the size of a hash index over the same rows,
and every insert lands on a random page of it; on a bulk load of a million people that is
the largest single cost (measured: 500,000 records loaded at 15,257/s with the b-tree, at
20,491/s with a hash index of 18 MB instead of 78 MB). PostgreSQL's hash indexes are
crash-safe and replicated since version 10; SQLite has only b-trees.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class EqualityIndex(models.Index):
    """One column, exact lookups only: a hash index on PostgreSQL, a b-tree elsewhere."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(self.fields) != 1 or self.expressions or self.include or self.condition:
            raise ValueError("An EqualityIndex covers exactly one plain column.")

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor == "postgresql":
            using = " USING hash"
        return super().create_sql(model, schema_editor, using=using, **kwargs)
