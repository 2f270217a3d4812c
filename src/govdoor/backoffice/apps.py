from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "govdoor.backoffice"
    label = "backoffice"
