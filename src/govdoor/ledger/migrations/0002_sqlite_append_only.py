"""SQLite twin of the pgtrigger Protect triggers: the tree tables refuse UPDATE and DELETE.

PostgreSQL gets its triggers from django-pgtrigger (migration 0001); pgtrigger does nothing
on SQLite, so the embedded demo and the test suite get these instead.
"""

from django.db import migrations

# DELETE is refused unless govdoor_ledger_unlocked() says otherwise (see sqlite_guard.py:
# only Django's flush between transactional tests, in test mode).
UNLOCKED = "WHEN NOT govdoor_ledger_unlocked()"
TRIGGERS = {
    "ledger_node_no_update": 'BEFORE UPDATE ON "ledger_node"',
    "ledger_node_no_delete": f'BEFORE DELETE ON "ledger_node" {UNLOCKED}',
    "ledger_checkpoint_no_update": 'BEFORE UPDATE ON "ledger_checkpoint"',
    "ledger_checkpoint_no_delete": f'BEFORE DELETE ON "ledger_checkpoint" {UNLOCKED}',
    "ledger_entry_no_delete": f'BEFORE DELETE ON "ledger_entry" {UNLOCKED}',
    "ledger_entry_integrated_once": (
        'BEFORE UPDATE ON "ledger_entry" WHEN OLD."leaf_index" IS NOT NULL'
        ' OR OLD."leaf_hash" IS NOT NEW."leaf_hash" OR OLD."id" IS NOT NEW."id"'
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, when in TRIGGERS.items():
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" {when} '
            f"BEGIN SELECT RAISE(ABORT, 'ledger: {name} (the ledger is append-only)'); END"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
