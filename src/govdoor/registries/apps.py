from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "govdoor.registries"
    label = "registries"

    def ready(self) -> None:
        from govdoor.registries.adapters import load_all

        load_all()
