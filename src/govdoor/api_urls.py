"""/api/v1/: each domain contributes its `api/urls.py`.

The exchange comes first: its data requests are the busiest calls (agency systems, not
people), and Django tries the included URL maps in order. No two maps share a route
(`core/tests/test_urls.py`), so the order decides nothing else.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("govdoor.exchange.api.urls")),
    path("", include("govdoor.organisations.api.urls")),
    path("", include("govdoor.identity.api.urls")),
    path("", include("govdoor.registries.api.urls")),
    path("", include("govdoor.ledger.api.urls")),
    path("", include("govdoor.messaging.api.urls")),
    path("", include("govdoor.catalogue.api.urls")),
    path("", include("govdoor.documents.api.urls")),
    path("", include("govdoor.letters.api.urls")),
    path("", include("govdoor.applications.api.urls")),
    path("", include("govdoor.cases.api.urls")),
    path("", include("govdoor.rules.api.urls")),
]
