"""leaf_index unique only where set, so queued entries stay out of that index.

On SQLite, Django rebuilds the table to drop the column's UNIQUE, and the rebuild drops the
table's triggers: the ledger_entry triggers of migration 0002 are created again here.
"""

import importlib

from django.db import migrations, models

append_only = importlib.import_module("govdoor.ledger.migrations.0002_sqlite_append_only")
ENTRY_TRIGGERS = [name for name in append_only.TRIGGERS if name.startswith("ledger_entry_")]


def entry_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ENTRY_TRIGGERS:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" {append_only.TRIGGERS[name]} '
            f"BEGIN SELECT RAISE(ABORT, 'ledger: {name} (the ledger is append-only)'); END"
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_record_bulk_friendly")]

    operations = [
        migrations.AlterField(
            model_name="entry",
            name="leaf_index",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("leaf_index__isnull", False)),
                fields=("leaf_index",),
                name="ledger_entry_one_per_index",
            ),
        ),
        migrations.RunPython(entry_triggers_again, entry_triggers_again),
    ]
