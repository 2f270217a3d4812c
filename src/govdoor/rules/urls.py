from django.urls import path

from govdoor.rules import backoffice, views

app_name = "rules"
urlpatterns = [
    path("check-entitlement/", views.check_entitlement, name="check"),
    path("my/decisions/<uuid:decision_id>/", views.my_decision, name="my-decision"),
    path("backoffice/rules/", backoffice.home, name="bo-home"),
    path("backoffice/rules/reviews/", backoffice.reviews, name="bo-reviews"),
    path("backoffice/rules/reviews/<uuid:decision_id>/", backoffice.review, name="bo-review"),
    path("backoffice/rules/bias/<uuid:report_id>/", backoffice.bias_report, name="bo-bias"),
    path(
        "backoffice/rules/releases/<uuid:release_id>/activate",
        backoffice.release_activate,
        name="bo-release-activate",
    ),
    path(
        "backoffice/rules/releases/<uuid:release_id>/bias",
        backoffice.bias_create,
        name="bo-bias-create",
    ),
    path("backoffice/rules/sandbox/", backoffice.sandbox_start, name="bo-sandbox-start"),
    path("backoffice/rules/sandbox/<uuid:run_id>/", backoffice.sandbox_detail, name="bo-sandbox"),
    path("backoffice/rules/scans/", backoffice.scan_start, name="bo-scan-start"),
]
