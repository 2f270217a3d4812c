"""/api/v1/: each domain contributes its `api/urls.py`."""

from django.urls import include, path

urlpatterns = [
    path("", include("govdoor.organisations.api.urls")),
    path("", include("govdoor.identity.api.urls")),
    path("", include("govdoor.registries.api.urls")),
    path("", include("govdoor.ledger.api.urls")),
    path("", include("govdoor.messaging.api.urls")),
    path("", include("govdoor.exchange.api.urls")),
    path("", include("govdoor.catalogue.api.urls")),
    path("", include("govdoor.documents.api.urls")),
    path("", include("govdoor.letters.api.urls")),
    path("", include("govdoor.applications.api.urls")),
    path("", include("govdoor.cases.api.urls")),
    path("", include("govdoor.rules.api.urls")),
]
