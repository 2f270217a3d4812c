from django.urls import path

from govdoor.applications import backoffice, views

app_name = "applications"
urlpatterns = [
    path("services/<slug:code>/apply/", views.start, name="start"),
    path("apply/<uuid:draft_id>/review/", views.review, name="review"),
    path("apply/<uuid:draft_id>/send/", views.submit, name="submit"),
    path("apply/<uuid:draft_id>/changes/", views.changes, name="changes"),
    path(
        "apply/<uuid:draft_id>/correct/<slug:field_name>/",
        views.correct,
        name="correct",
    ),
    path("apply/<uuid:draft_id>/<slug:page_name>/", views.page, name="page"),
    path(
        "applications/<uuid:submission_id>/",
        views.confirmation,
        name="confirmation",
    ),
    path("backoffice/forms/", backoffice.form_list, name="bo-forms"),
    path("backoffice/forms/<slug:code>/", backoffice.form_edit, name="bo-form"),
    path("backoffice/forms/<slug:code>/preview/", backoffice.form_preview, name="bo-preview"),
    path("backoffice/forms/<slug:code>/publish/", backoffice.form_publish, name="bo-publish"),
]
