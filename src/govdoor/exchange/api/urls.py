from django.urls import path

from govdoor.exchange.api import me, views

urlpatterns = [
    path("me/consents", me.MyConsentsView.as_view(), name="me-consents"),
    path("me/consents/<str:consent_id>", me.MyConsentView.as_view(), name="me-consent"),
    path("me/objections", me.MyObjectionsView.as_view(), name="me-objections"),
    path("me/objections/<str:objection_id>", me.MyObjectionView.as_view(), name="me-objection"),
    path("exchange/requests", views.DataRequestsView.as_view(), name="exchange-requests"),
    path("exchange/purposes", views.PurposesView.as_view(), name="exchange-purposes"),
    path("exchange/policies", views.PoliciesView.as_view(), name="exchange-policies"),
    path(
        "exchange/policies/<str:policy_id>/decision",
        views.PolicyDecisionView.as_view(),
        name="exchange-policy-decision",
    ),
    path(
        "exchange/subscriptions",
        views.SubscriptionsView.as_view(),
        name="exchange-subscriptions",
    ),
]
