"""Each entry holds its record: the record table is folded into the entry table.

Why: an append wrote two rows (entry and record) and four index entries; now one row and
three. Erasure, which deleted the record row, now sets the entry's subject and body to NULL:
the one UPDATE the entry's trigger allows (anything else, or a DELETE, is still refused).

Existing logs: every record is copied into its entry (an entry whose record was erased
stays without one). On PostgreSQL the subject column gets the "C" collation (as the record's
had) and the transaction-id column a default of the writing transaction's id, so a bulk
COPY of entries sends neither an id nor an xid. SQLite gets the erasure-only trigger in
place of the update trigger. Irreversible on purpose: splitting records out again would
rewrite every entry row of an append-only log.
"""

import importlib

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

append_only = importlib.import_module("govdoor.ledger.migrations.0002_sqlite_append_only")

# The same condition as the model's pgtrigger (models.ERASURE_ONLY_REFUSED), fixed here as
# migrations must be.
ERASURE_ONLY_REFUSED = (
    'OLD."id" IS DISTINCT FROM NEW."id" OR OLD."leaf_hash" IS DISTINCT FROM NEW."leaf_hash"'
    ' OR OLD."xid" IS DISTINCT FROM NEW."xid"'
    ' OR OLD."queued_at" IS DISTINCT FROM NEW."queued_at"'
    ' OR NEW."subject_ref" IS NOT NULL OR NEW."body" IS NOT NULL'
)
SQLITE_TRIGGERS = {
    "ledger_entry_no_delete": append_only.TRIGGERS["ledger_entry_no_delete"],
    "ledger_entry_only_erasure": (
        f'BEFORE UPDATE ON "ledger_entry" WHEN {ERASURE_ONLY_REFUSED.replace("IS DISTINCT FROM", "IS NOT")}'
    ),
}


def sqlite_update_trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute('DROP TRIGGER IF EXISTS "ledger_entry_no_update"')


def records_into_entries(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "ledger_entry" ALTER COLUMN "subject_ref" TYPE varchar(64) COLLATE "C"'
        )
        schema_editor.execute(
            'ALTER TABLE "ledger_entry" ALTER COLUMN "xid"'
            " SET DEFAULT pg_current_xact_id()::text::bigint"
        )
        # The entry table is insert-only again (erasure aside): PostgreSQL's own vacuum
        # thresholds suit it, not the early ones migration 0003 set for a queue of updates.
        schema_editor.execute(
            'ALTER TABLE "ledger_entry" RESET (autovacuum_vacuum_scale_factor,'
            " autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor)"
        )
        schema_editor.execute(
            'UPDATE "ledger_entry" AS "e" SET "subject_ref" = "r"."subject_ref",'
            ' "body" = "r"."body" FROM "ledger_record" AS "r" WHERE "r"."entry_id" = "e"."id"'
        )
    else:
        schema_editor.execute(
            'UPDATE "ledger_entry" SET'
            ' "subject_ref" = (SELECT "r"."subject_ref" FROM "ledger_record" AS "r"'
            ' WHERE "r"."entry_id" = "ledger_entry"."id"),'
            ' "body" = (SELECT "r"."body" FROM "ledger_record" AS "r"'
            ' WHERE "r"."entry_id" = "ledger_entry"."id")'
            ' WHERE "id" IN (SELECT "entry_id" FROM "ledger_record")'
        )


def sqlite_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, when in SQLITE_TRIGGERS.items():
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" {when} '
            f"BEGIN SELECT RAISE(ABORT, 'ledger: {name} (the ledger is append-only)'); END"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0005_queue_cursor_and_spans"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="entry", name="ledger_entry_no_update"),
        migrations.RunPython(sqlite_update_trigger_drop),
        migrations.AddField(
            model_name="entry", name="body", field=models.TextField(null=True)
        ),
        migrations.AddField(
            model_name="entry",
            name="subject_ref",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(records_into_entries),
        migrations.DeleteModel(name="Record"),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["subject_ref", "-id"], name="ledger_entry_subject"),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="entry",
            trigger=pgtrigger.compiler.Trigger(
                name="ledger_entry_only_erasure",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition=f"WHEN ({ERASURE_ONLY_REFUSED})",
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;",
                    hash="d94dcffacad5165caf0bdbaf774f920623266931",
                    operation="UPDATE",
                    pgid="pgtrigger_ledger_entry_only_erasure_c75d0",
                    table="ledger_entry",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunPython(sqlite_triggers_again),
    ]
