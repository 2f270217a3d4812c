from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "govdoor.demo"
    label = "demo"
