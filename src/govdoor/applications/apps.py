from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "govdoor.applications"
    label = "applications"
