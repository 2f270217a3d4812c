"""Portal and back-office pages of the exchange, mounted at the site root."""

from django.urls import path

from govdoor.exchange import views

app_name = "exchange"
urlpatterns = [
    path("my/consents/", views.my_consents, name="my-consents"),
    path("my/consents/<str:consent_id>/revoke/", views.my_consent_revoke, name="my-consent-revoke"),
    path("my/objections/", views.my_objections, name="my-objections"),
    path(
        "my/objections/<str:objection_id>/withdraw/",
        views.my_objection_withdraw,
        name="my-objection-withdraw",
    ),
    path("backoffice/exchange/", views.backoffice, name="backoffice"),
    path("backoffice/exchange/policies/propose/", views.policy_propose, name="policy-propose"),
    path(
        "backoffice/exchange/policies/<str:policy_id>/decision/",
        views.policy_decide,
        name="policy-decide",
    ),
    path(
        "backoffice/exchange/deliveries/<str:delivery_id>/retry/",
        views.delivery_retry,
        name="delivery-retry",
    ),
]
