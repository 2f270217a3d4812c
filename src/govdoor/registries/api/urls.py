"""/api/v1/registers/...: govdoor's own register API."""

from django.urls import path

from govdoor.registries.api import views

R = "registers/<slug:code>/<str:version>"

urlpatterns = [
    path("registers", views.RegisterListView.as_view(), name="registers-list"),
    path(R, views.RegisterDetailView.as_view(), name="registers-detail"),
    path(f"{R}/schema", views.RegisterSchemaView.as_view(), name="registers-schema"),
    path(f"{R}/records", views.RecordListView.as_view(), name="registers-records"),
    path(f"{R}/records/bulk", views.BulkUpsertView.as_view(), name="registers-bulk"),
    path(f"{R}/export", views.ExportView.as_view(), name="registers-export"),
    path(
        f"{R}/records/<uuid:record_id>", views.RecordDetailView.as_view(), name="registers-record"
    ),
    path(
        f"{R}/records/<uuid:record_id>/history",
        views.RecordHistoryView.as_view(),
        name="registers-record-history",
    ),
]

urlpatterns += [
    path(
        f"{R}/records/<uuid:record_id>/corrections",
        views.CorrectionCreateView.as_view(),
        name="registers-record-corrections",
    ),
    path(f"{R}/corrections", views.CorrectionListView.as_view(), name="registers-corrections"),
    path(
        f"{R}/corrections/<uuid:correction_id>/decision",
        views.CorrectionDecisionView.as_view(),
        name="registers-correction-decision",
    ),
]
