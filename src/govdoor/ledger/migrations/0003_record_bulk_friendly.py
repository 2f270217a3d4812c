"""Bulk appends: no foreign-key check per record, byte-order collation for subject_ref.

Also: the entry table, a queue whose every row is updated once, is vacuumed early.

Why: a population scan writes a million records in one transaction; the deferred foreign
key check alone cost as much as the COPY. A record is only ever written together with its
entry, and entries are never deleted (trigger), so the constraint guarded nothing.
"""

import django.db.models.deletion
from django.db import migrations, models


def collation_c(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "ledger_record" ALTER COLUMN "subject_ref" TYPE varchar(64) COLLATE "C"'
        )
        # The entry table is a queue: every row is updated once (given its index), so it is
        # vacuumed early rather than at PostgreSQL's default 20% of dead rows.
        schema_editor.execute(
            'ALTER TABLE "ledger_entry" SET (autovacuum_vacuum_scale_factor = 0.01,'
            " autovacuum_vacuum_threshold = 5000, autovacuum_analyze_scale_factor = 0.02)"
        )


def collation_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "ledger_entry" RESET (autovacuum_vacuum_scale_factor,'
            " autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor)"
        )
        schema_editor.execute(
            'ALTER TABLE "ledger_record" ALTER COLUMN "subject_ref" TYPE varchar(64) '
            'COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_sqlite_append_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="record",
            name="entry",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                primary_key=True,
                related_name="record",
                serialize=False,
                to="ledger.entry",
            ),
        ),
        migrations.RunPython(collation_c, collation_default),
    ]
