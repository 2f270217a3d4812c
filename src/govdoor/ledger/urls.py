"""Portal pages of the ledger, mounted at the site root."""

from django.urls import path

from govdoor.ledger import views

app_name = "ledger"
urlpatterns = [
    path("my/data-uses/", views.my_data_uses, name="my-data-uses"),
]
