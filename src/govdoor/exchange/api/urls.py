from django.urls import path

from govdoor.exchange.api import views

urlpatterns = [
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
