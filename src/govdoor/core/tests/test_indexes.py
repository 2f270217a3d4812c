"""EqualityIndex: a hash index on PostgreSQL, a b-tree elsewhere, one plain column only."""

from __future__ import annotations

import pytest
from django.db import connection

from govdoor.core.indexes import EqualityIndex


@pytest.mark.django_db
def test_the_blind_index_is_a_hash_index_on_postgresql_and_a_btree_elsewhere():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'reg_blind_digest'")
            (definition,) = cursor.fetchone()
            assert "USING hash (digest)" in definition
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'reg_blind_digest'")
            (definition,) = cursor.fetchone()
            assert "hash" not in definition.lower() and '"digest"' in definition


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fields": ["register", "digest"]},
        {"fields": ["digest"], "include": ["field"]},
    ],
)
def test_an_equality_index_of_more_than_one_plain_column_is_refused(kwargs):
    with pytest.raises(ValueError):
        EqualityIndex(name="x", **kwargs)
