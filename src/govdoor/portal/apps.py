from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "govdoor.portal"
    label = "portal"
