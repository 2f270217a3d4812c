"""Root URL map: each bounded context mounts its own urls module."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from govdoor.core import views as ops

# The API first: agency systems call it far more often than people load pages, and Django
# tries these patterns in order (none of the others starts with "api/v1/").
urlpatterns = [
    path("api/v1/", include("govdoor.api_urls")),
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("o/", include("govdoor.identity.oidc_provider_urls")),
    path("api/schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("django-admin/", admin.site.urls),
    path("backoffice/", include("govdoor.backoffice.urls")),
    path("govstack/dr/", include("govdoor.registries.govstack_urls")),
    path("govstack/registration/", include("govdoor.applications.govstack.urls")),
    path("", include("govdoor.identity.urls")),
    path("", include("govdoor.ledger.urls")),
    path("", include("govdoor.messaging.urls")),
    path("", include("govdoor.exchange.urls")),
    path("", include("govdoor.catalogue.urls")),
    path("", include("govdoor.documents.urls")),
    path("", include("govdoor.letters.urls")),
    path("", include("govdoor.applications.urls")),
    path("", include("govdoor.cases.urls")),
    path("", include("govdoor.rules.urls")),
    path("", include("govdoor.registries.urls")),
    path("", include("govdoor.portal.urls")),
]

handler404 = "govdoor.portal.views.not_found"
handler403 = "govdoor.portal.views.forbidden"
handler500 = "govdoor.portal.views.server_error"

__all__ = ["urlpatterns", "i18n_patterns"]
