from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "govdoor.letters"
    label = "letters"
