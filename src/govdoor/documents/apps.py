from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "govdoor.documents"
    label = "documents"
