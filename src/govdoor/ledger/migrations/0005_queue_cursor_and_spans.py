"""The queue becomes insert-only: entries keep their transaction id, the head a cursor, and
spans map leaves to entries, so the sequencer no longer rewrites every entry row.

Existing logs: spans are built from the entries' leaf indexes; the head's cursor is put on
the last integrated entry; on PostgreSQL, entries still queued get xid 1 (after the cursor's
0 and before every real transaction id, which start at 3), so they are integrated next in id
order, as before. On SQLite (ids commit in order there) they are already after the cursor.
SQLite rebuilds the entry table for the new column and drops its triggers: the append-only
triggers (entry, and the new span table) are created here.

Irreversible on purpose: going back would rewrite every entry row of an append-only log.
"""

import importlib

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

append_only = importlib.import_module("govdoor.ledger.migrations.0002_sqlite_append_only")
SQLITE_TRIGGERS = {
    "ledger_entry_no_delete": append_only.TRIGGERS["ledger_entry_no_delete"],
    "ledger_entry_no_update": 'BEFORE UPDATE ON "ledger_entry"',
    "ledger_span_no_update": 'BEFORE UPDATE ON "ledger_span"',
    "ledger_span_no_delete": f'BEFORE DELETE ON "ledger_span" {append_only.UNLOCKED}',
}
_CHUNK = 20_000


def spans_from_leaf_indexes(apps, schema_editor):
    entry_model = apps.get_model("ledger", "Entry")
    span_model = apps.get_model("ledger", "Span")
    head_model = apps.get_model("ledger", "Head")
    rows = (
        entry_model.objects.filter(leaf_index__isnull=False)
        .order_by("leaf_index")
        .values_list("leaf_index", "id")
    )
    spans, run, last_id = [], None, 0
    for index, entry_id in rows.iterator(chunk_size=_CHUNK):
        if run is not None and index == run[0] + run[2] and entry_id == run[1] + run[2]:
            run[2] += 1
        else:
            if run is not None:
                spans.append(span_model(leaf_start=run[0], entry_start=run[1], length=run[2]))
            run = [index, entry_id, 1]
        last_id = max(last_id, entry_id)
        if len(spans) >= _CHUNK:
            span_model.objects.bulk_create(spans)
            spans = []
    if run is not None:
        spans.append(span_model(leaf_start=run[0], entry_start=run[1], length=run[2]))
    span_model.objects.bulk_create(spans)
    if schema_editor.connection.vendor == "postgresql":
        entry_model.objects.filter(leaf_index__isnull=True).update(xid=1)
    head_model.objects.filter(pk=1).update(cursor_xid=0, cursor_id=last_id)


def sqlite_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("ledger_entry_integrated_once", *SQLITE_TRIGGERS):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    for name, when in SQLITE_TRIGGERS.items():
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" {when} '
            f"BEGIN SELECT RAISE(ABORT, 'ledger: {name} (the ledger is append-only)'); END"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_leaf_index_unique_where_set"),
    ]

    operations = [
        migrations.CreateModel(
            name="Span",
            fields=[
                ("leaf_start", models.BigIntegerField(primary_key=True, serialize=False)),
                ("entry_start", models.BigIntegerField(unique=True)),
                ("length", models.BigIntegerField()),
            ],
        ),
        migrations.AddField(
            model_name="entry", name="xid", field=models.BigIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="head", name="cursor_id", field=models.BigIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="head", name="cursor_xid", field=models.BigIntegerField(default=0)
        ),
        migrations.RunPython(spans_from_leaf_indexes),
        pgtrigger.migrations.RemoveTrigger(model_name="entry", name="ledger_entry_integrated_once"),
        migrations.RemoveConstraint(model_name="entry", name="ledger_entry_one_per_index"),
        migrations.RemoveIndex(model_name="entry", name="ledger_entry_queued"),
        migrations.RemoveField(model_name="entry", name="integrated_at"),
        migrations.RemoveField(model_name="entry", name="leaf_index"),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["xid", "id"], name="ledger_entry_queue"),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="entry",
            trigger=pgtrigger.compiler.Trigger(
                name="ledger_entry_no_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;",
                    hash="afac68d72d551bbc12ba52a385733a6843bf664b",
                    operation="UPDATE",
                    pgid="pgtrigger_ledger_entry_no_update_5b668",
                    table="ledger_entry",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="span",
            trigger=pgtrigger.compiler.Trigger(
                name="ledger_span_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="ff4da6bf7475310666a92160ef566cc690e65305",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_ledger_span_append_only_fee88",
                    table="ledger_span",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunPython(sqlite_triggers_again),
    ]
