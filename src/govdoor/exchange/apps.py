from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "govdoor.exchange"
    label = "exchange"

    def ready(self) -> None:
        # Registers the tell-us-once event consumer and the delivery plugins.
        from govdoor.exchange import cache, tellusonce  # noqa: F401

        cache.connect()
