from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "govdoor.cases"
    label = "cases"

    def ready(self) -> None:
        # Registers the event consumers (address changes re-route, mailbox replies).
        from govdoor.cases import handlers  # noqa: F401
