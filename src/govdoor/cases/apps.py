from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "govdoor.cases"
    label = "cases"
