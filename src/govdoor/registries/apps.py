from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "govdoor.registries"
    label = "registries"
