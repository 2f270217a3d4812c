from django.urls import path

from govdoor.documents.api import views

urlpatterns = [
    path("me/documents", views.MyDocumentsView.as_view(), name="documents-mine"),
    path(
        "documents/<uuid:document_id>",
        views.DocumentDetailView.as_view(),
        name="documents-detail",
    ),
    path(
        "documents/<uuid:document_id>/content",
        views.DocumentContentView.as_view(),
        name="documents-content",
    ),
]
