from django.urls import path

from govdoor.documents import views

app_name = "documents"
urlpatterns = [
    path("my/documents/", views.my_documents, name="mine"),
    path("documents/<uuid:document_id>/download", views.download, name="download"),
    path(
        "backoffice/documents/<uuid:document_id>/download",
        views.staff_download,
        name="bo-download",
    ),
]
