from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "govdoor.exchange"
    label = "exchange"
