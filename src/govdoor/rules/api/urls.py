from django.urls import path

from govdoor.rules.api import views

urlpatterns = [
    path("rules/<slug:package>/calculate", views.CalculateView.as_view(), name="rules-calculate"),
    path("rules/bias-reports", views.BiasReportsView.as_view(), name="rules-bias-reports"),
    path(
        "rules/bias-reports/<str:report_id>.csv",
        views.BiasReportCsvView.as_view(),
        name="rules-bias-report-csv",
    ),
]
