from django.urls import path

from govdoor.applications.api import views

urlpatterns = [
    path("forms", views.FormListView.as_view(), name="forms-list"),
    path("forms/<slug:code>/draft", views.FormDraftView.as_view(), name="forms-draft"),
    path("forms/<slug:code>/publish", views.FormPublishView.as_view(), name="forms-publish"),
    path("forms/<slug:code>/versions", views.FormVersionsView.as_view(), name="forms-versions"),
]
