from django.urls import path

from govdoor.catalogue.api import views

urlpatterns = [
    path("services", views.ServiceListView.as_view(), name="catalogue-services-list"),
    path(
        "services/<slug:code>/publish",
        views.ServicePublishView.as_view(),
        name="catalogue-services-publish",
    ),
    path("services/<slug:code>", views.ServiceDetailView.as_view(), name="catalogue-services"),
    path("life-events", views.LifeEventListView.as_view(), name="catalogue-life-events"),
    path("topics", views.TopicListView.as_view(), name="catalogue-topics"),
    path("guides/<slug:code>", views.GuideDetailView.as_view(), name="catalogue-guides"),
    path("search", views.SearchView.as_view(), name="catalogue-search"),
]
