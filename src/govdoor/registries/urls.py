"""Back-office pages of registers (mounted at the site root)."""

from django.urls import path

from govdoor.registries import define, views

app_name = "registries"
urlpatterns = [
    path("backoffice/registers/", views.register_list, name="list"),
    path("backoffice/registers/new/", define.register_define, name="define"),
    path("backoffice/registers/<slug:code>/<str:version>/", views.register_detail, name="detail"),
    path(
        "backoffice/registers/<slug:code>/<str:version>/corrections/<uuid:correction_id>",
        views.correction_decide,
        name="correction-decide",
    ),
    path("my/registers/", views.my_registers, name="my-registers"),
    path("my/registers/<uuid:record_id>/correction/", views.my_correction, name="my-correction"),
]
