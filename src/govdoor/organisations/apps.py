from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "govdoor.organisations"
    label = "organisations"
