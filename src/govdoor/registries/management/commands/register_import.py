"""`manage.py register_import CODE FILE [--register-version V] [--apply] [--partial]`.

A dry run by default: it prints what would be created/updated and every bad row; `--apply`
writes. The keeper organisation acts (the register's owner).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from govdoor.core.errors import DomainError
from govdoor.registries.imports import register_import
from govdoor.registries.selectors import Caller, register_get


class Command(BaseCommand):
    help = "Import a CSV or XLSX file into a register (dry run unless --apply)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code")
        parser.add_argument("file")
        parser.add_argument("--register-version", dest="register_version", default=None)
        parser.add_argument("--apply", action="store_true", help="write (default: dry run)")
        parser.add_argument(
            "--partial", action="store_true", help="let good rows land even if some rows are bad"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            register = register_get(code=options["code"], version=options["register_version"])
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        actor = Caller(
            organisation=register.organisation, is_agency=True, purpose="register-import"
        )
        bar = (
            None
            if options["no_progress"]
            else tqdm(unit="row", desc=register.code, file=self.stderr._out)
        )

        def progress(done: int) -> None:
            if bar is not None:
                bar.n = done
                bar.refresh()

        with path.open("rb") as stream:
            try:
                run = register_import(
                    register=register,
                    filename=path.name,
                    stream=stream,
                    actor=actor,
                    dry_run=not options["apply"],
                    partial=options["partial"],
                    progress=progress,
                )
            except DomainError as exc:
                raise CommandError(exc.detail) from None
        if bar is not None:
            bar.close()
        mode = "dry run" if run.dry_run else ("applied" if run.applied else "refused")
        self.stdout.write(
            f"{mode}: {run.total} rows, {run.created} to create, "
            f"{run.updated} to update, {len(run.errors)} bad"
        )
        for error in run.errors:
            self.stdout.write(f"row {error['row']}: {json.dumps(error['errors'])}")
        if run.errors and not options["partial"]:
            raise CommandError(f"{len(run.errors)} bad row(s): nothing was written")
