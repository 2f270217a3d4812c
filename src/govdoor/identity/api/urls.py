from django.urls import path

from govdoor.identity.api import views

urlpatterns = [
    path("me", views.MeView.as_view(), name="identity-me"),
    path("me/mandates", views.MandateListView.as_view(), name="identity-me-mandates"),
    path(
        "me/mandates/<str:mandate_id>/revoke",
        views.MandateRevokeView.as_view(),
        name="identity-me-mandate-revoke",
    ),
]
