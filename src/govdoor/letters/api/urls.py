from django.urls import path

from govdoor.letters.api import views

urlpatterns = [
    path("letters/verify", views.LetterVerify.as_view(), name="letters-verify"),
]
