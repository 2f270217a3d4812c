from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "govdoor.rules"
    label = "rules"
