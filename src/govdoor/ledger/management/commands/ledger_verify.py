"""Recompute the ledger from its leaf hashes and check every stored node and checkpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govdoor.ledger import services
from govdoor.ledger.audit import ledger_audit


class Command(BaseCommand):
    help = (
        "Verify the data-use ledger: nodes, entries, checkpoint signatures, roots and "
        "consistency. Exits non-zero on any mismatch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--checkpoint", type=Path, help="also verify this checkpoint file")
        parser.add_argument(
            "--key",
            action="append",
            default=[],
            help="an extra verifier key string (earlier signing keys); repeatable",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        vkeys = [services.verifier_key(), *options["key"]]
        extra = None
        if options["checkpoint"] is not None:
            try:
                extra = options["checkpoint"].read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot read {options['checkpoint']}: {exc}") from exc
        audit = ledger_audit(vkeys=vkeys, extra_checkpoint=extra)
        if audit.problems:
            for problem in audit.problems:
                self.stderr.write(problem)
            raise CommandError(f"ledger verification failed: {len(audit.problems)} problem(s)")
        self.stdout.write(f"ledger verified: {audit.size} entries, {audit.checkpoints} checkpoints")
