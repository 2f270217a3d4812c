from django.urls import path

from govdoor.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("my/", views.my, name="my"),
]
