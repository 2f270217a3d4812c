from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "govdoor.catalogue"
    label = "catalogue"
