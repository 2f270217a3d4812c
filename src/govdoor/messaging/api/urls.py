from django.urls import path

from govdoor.messaging.api import views

urlpatterns = [
    path("messages/", views.MessageListCreate.as_view(), name="messaging-messages"),
    path("messages/<uuid:pk>/", views.MessageDetail.as_view(), name="messaging-message"),
    path("notifications/", views.NotificationCreate.as_view(), name="messaging-notifications"),
    path(
        "notifications/<uuid:pk>/",
        views.NotificationDetail.as_view(),
        name="messaging-notification",
    ),
]
