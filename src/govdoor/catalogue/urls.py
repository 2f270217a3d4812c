from django.urls import path

from govdoor.catalogue import backoffice, views

app_name = "catalogue"
urlpatterns = [
    path("services/", views.services_home, name="home"),
    path("services/<slug:code>/", views.service_detail, name="service"),
    path("life-events/<slug:code>/", views.life_event_detail, name="life-event"),
    path("guides/<slug:code>/", views.guide_detail, name="guide"),
    path(
        "guides/<slug:code>/steps/<str:step_id>/",
        views.guide_step_tick,
        name="guide-step-tick",
    ),
    path("search/", views.search, name="search"),
    path("backoffice/catalogue/", backoffice.service_list, name="bo-list"),
    path("backoffice/catalogue/new/", backoffice.service_new, name="bo-new"),
    path("backoffice/catalogue/<slug:code>/", backoffice.service_edit, name="bo-edit"),
    path(
        "backoffice/catalogue/<slug:code>/publish/",
        backoffice.service_publish,
        name="bo-publish",
    ),
]
