"""A database guard beside the service layer: a published form version never changes.

Why a trigger: a submission names the version it answered; an UPDATE from a shell, an admin
or a bug must not be able to rewrite the questions a person was asked. Drafts stay editable,
and publishing (draft -> published) is allowed once. Deleting is left to the foreign keys
(a version that drafts or submissions name is protected), so test databases can be flushed.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER applications_formversion_frozen
    BEFORE UPDATE ON applications_formversion
    WHEN OLD.status = 'published' AND (
        NEW.status IS NOT OLD.status OR NEW.definition IS NOT OLD.definition
        OR NEW.number IS NOT OLD.number OR NEW.form_id IS NOT OLD.form_id
    )
    BEGIN SELECT RAISE(ABORT, 'a published form version never changes'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS applications_formversion_frozen;",
]
POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION applications_formversion_frozen() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'published' AND (
            NEW.status IS DISTINCT FROM OLD.status
            OR NEW.definition IS DISTINCT FROM OLD.definition
            OR NEW.number IS DISTINCT FROM OLD.number
            OR NEW.form_id IS DISTINCT FROM OLD.form_id) THEN
            RAISE EXCEPTION 'a published form version never changes';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER applications_formversion_frozen
    BEFORE UPDATE ON applications_formversion
    FOR EACH ROW EXECUTE FUNCTION applications_formversion_frozen();
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS applications_formversion_frozen ON applications_formversion;",
    "DROP FUNCTION IF EXISTS applications_formversion_frozen();",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
