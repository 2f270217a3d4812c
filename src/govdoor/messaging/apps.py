from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "govdoor.messaging"
    label = "messaging"

    def ready(self) -> None:
        # Registers the outbox consumer that turns register deadlines into obligations.
        from govdoor.messaging import register_deadlines  # noqa: F401
