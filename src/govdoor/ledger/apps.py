from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "govdoor.ledger"
    label = "ledger"
