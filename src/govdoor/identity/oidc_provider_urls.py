from django.urls import path
from oauth2_provider import urls as oauth2_urls

from govdoor.identity.oidc_provider import GovdoorAuthorizationView

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", GovdoorAuthorizationView.as_view(), name="authorize"),
    *oauth2_urls.urlpatterns,
]
