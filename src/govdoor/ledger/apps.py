from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "govdoor.ledger"
    label = "ledger"

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from govdoor.ledger import sqlite_guard

        connection_created.connect(sqlite_guard.on_connection_created, dispatch_uid="ledger-sqlite")
        for connection in connections.all(initialized_only=True):
            sqlite_guard.install(connection)
