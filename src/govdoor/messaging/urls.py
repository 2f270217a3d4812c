from django.urls import path

from govdoor.messaging import backoffice, checker, unsubscribe, views, webapp

app_name = "messaging"
urlpatterns = [
    path("manifest.webmanifest", webapp.manifest, name="manifest"),
    path("sw.js", webapp.service_worker, name="service-worker"),
    path("icons/govdoor-<int:size>-<str:purpose>.png", webapp.icon, name="icon"),
    path("my/messages/", views.inbox, name="inbox"),
    path("my/messages/settings/", views.settings_page, name="settings"),
    path("my/messages/calendar/", views.calendar, name="calendar"),
    path("my/messages/calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("my/messages/<uuid:message_id>/", views.message_detail, name="message"),
    path("my/messages/<uuid:message_id>/reply/", views.reply, name="reply"),
    path(
        "my/messages/<uuid:message_id>/attachments/<uuid:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
    path("check-a-message/", checker.check_message, name="check"),
    path("check-a-message/keys.json", checker.published_keys, name="keys"),
    path("backoffice/messages/dead-letters/", backoffice.dead_letters, name="dead-letters"),
    path(
        "backoffice/messages/dead-letters/<uuid:notification_id>/retry/",
        backoffice.retry,
        name="retry",
    ),
    path("backoffice/messages/sent/", backoffice.sent, name="sent"),
]
