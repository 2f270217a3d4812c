from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govdoor.core"
    label = "core"
    verbose_name = "govdoor core"
