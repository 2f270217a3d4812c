from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "govdoor.messaging"
    label = "messaging"
