from django.urls import path

from govdoor.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisation/switch", views.organisation_switch, name="organisation-switch"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/grant", views.staff_grant, name="staff-grant"),
    path("staff/revoke", views.staff_revoke, name="staff-revoke"),
    path("organisations/", views.organisations_list, name="organisations"),
    path("organisations/onboard", views.onboard, name="onboard"),
    path("organisations/<str:organisation_id>/", views.organisation_detail, name="organisation"),
    path(
        "organisations/<str:organisation_id>/staff/",
        views.staff_list,
        name="organisation-staff",
    ),
    path(
        "organisations/<str:organisation_id>/staff/grant",
        views.staff_grant,
        name="organisation-staff-grant",
    ),
    path(
        "organisations/<str:organisation_id>/staff/revoke",
        views.staff_revoke,
        name="organisation-staff-revoke",
    ),
]
