"""Register an agency web application that signs people in through govdoor (OIDC)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govdoor.core.errors import DomainError


class Command(BaseCommand):
    help = "Register an agency web application (OIDC client); prints client id and secret."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The application's name, shown on the consent page")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            required=True,
            dest="redirect_uris",
            help="An allowed redirect URI (repeat for several)",
        )
        parser.add_argument(
            "--organisation",
            default=None,
            help="Code of the organisation the application belongs to",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from govdoor.identity.oidc_provider import oidc_client_create
        from govdoor.organisations.selectors import organisation_get_by_code

        organisation = None
        try:
            if options["organisation"]:
                organisation = organisation_get_by_code(options["organisation"])
            application, secret = oidc_client_create(
                name=options["name"],
                redirect_uris=options["redirect_uris"],
                organisation=organisation,
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(f"client_id: {application.client_id}")
        self.stdout.write(f"client_secret: {secret}")
        self.stdout.write("The secret is stored hashed: keep it now, it is not shown again.")
