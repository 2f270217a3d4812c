"""/api/v1/ledger/… and /api/v1/me/data-uses (specs/ledger.md)."""

from django.urls import path

from govdoor.ledger.api import views

urlpatterns = [
    path("ledger/checkpoint", views.CheckpointView.as_view(), name="ledger-checkpoint"),
    path("ledger/key", views.KeyView.as_view(), name="ledger-key"),
    path("ledger/entries/<str:index>", views.EntryView.as_view(), name="ledger-entry"),
    path(
        "ledger/proofs/inclusion", views.InclusionProofView.as_view(), name="ledger-proof-inclusion"
    ),
    path(
        "ledger/proofs/consistency",
        views.ConsistencyProofView.as_view(),
        name="ledger-proof-consistency",
    ),
    path("me/data-uses", views.MyDataUsesView.as_view(), name="me-data-uses"),
]
