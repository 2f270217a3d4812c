from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "govdoor.identity"
    label = "identity"

    def ready(self) -> None:
        from govdoor.identity import signin  # noqa: F401  (connects the sign-in receiver)
        from govdoor.identity.providers import demo, national  # noqa: F401  (registration)
