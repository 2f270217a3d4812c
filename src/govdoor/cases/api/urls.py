from django.urls import path

from govdoor.cases.api import views

urlpatterns = [
    path("cases", views.CaseList.as_view(), name="cases-list"),
    path("cases/<uuid:pk>", views.CaseDetail.as_view(), name="cases-detail"),
    path("cases/<uuid:pk>/decision", views.CaseDecision.as_view(), name="cases-decision"),
]
