from django.urls import path

from govdoor.cases import backoffice, views

app_name = "cases"
urlpatterns = [
    path("my/cases/", views.my_cases, name="mine"),
    path("my/cases/<uuid:case_id>/", views.my_case, name="mine-detail"),
    path("my/cases/<uuid:case_id>/appeal", views.my_case_appeal, name="mine-appeal"),
    path("backoffice/cases/", backoffice.queue, name="bo-queue"),
    path("backoffice/cases/<uuid:case_id>/", backoffice.detail, name="bo-detail"),
    path("backoffice/cases/<uuid:case_id>/<slug:action>", backoffice.act, name="bo-act"),
]
