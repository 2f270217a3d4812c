from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "govdoor.identity"
    label = "identity"
