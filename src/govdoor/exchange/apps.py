from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "govdoor.exchange"
    label = "exchange"

    def ready(self) -> None:
        # Registers the tell-us-once event consumer and the delivery plugins.
        from govdoor.exchange import cache, selectors, tellusonce  # noqa: F401
        from govdoor.ledger.purposes import purpose_words

        cache.connect()
        # "Who used my data" words an exchange purpose by its plain-language description.
        purpose_words.register("exchange")(selectors.purposes_described)
