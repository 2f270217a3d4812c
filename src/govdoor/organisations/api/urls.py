from django.urls import path

from govdoor.organisations.api import views

urlpatterns = [
    path("organisations", views.OrganisationListView.as_view(), name="organisations-list"),
    path(
        "organisations/competent",
        views.CompetentOrganisationsView.as_view(),
        name="organisations-competent",
    ),
    path(
        "organisations/<str:organisation_id>",
        views.OrganisationDetailView.as_view(),
        name="organisations-detail",
    ),
    path("areas", views.AreaListView.as_view(), name="areas-list"),
]
