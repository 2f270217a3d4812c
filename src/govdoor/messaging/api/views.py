"""The agency API: send a message or a notification to a person, and follow its status."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from govdoor.core.errors import DomainError
from govdoor.identity.agency import AgencyScopes, request_organisation
from govdoor.identity.models import Business, Person
from govdoor.messaging import selectors
from govdoor.messaging.api import serializers as s
from govdoor.messaging.models import Message, Notification
from govdoor.messaging.services import (
    NewAttachment,
    message_send,
    message_type_get,
    notification_request,
)
from govdoor.organisations.models import Organisation


def _calling_organisation(request: Request) -> Organisation | None:
    """request_organisation, looked up once per request (throttle and view both need it)."""
    if not hasattr(request, "_messaging_org"):
        request._messaging_org = request_organisation(request)  # type: ignore[attr-defined]
    return request._messaging_org  # type: ignore[attr-defined,no-any-return]


class OrganisationThrottle(SimpleRateThrottle):
    """A rate limit per calling organisation (not per token: an agency has many systems)."""

    scope = "messaging"

    def get_rate(self) -> str:
        return str(settings.GOVDOOR_MESSAGING_API_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        org = _calling_organisation(request)
        return f"throttle:messaging:{org.pk}" if org else None


class AgencyView:
    permission_classes = [AgencyScopes]
    required_scopes = ["messaging"]
    throttle_classes = [OrganisationThrottle]

    def organisation(self) -> Organisation:
        org = _calling_organisation(self.request)  # type: ignore[attr-defined]
        assert org is not None  # AgencyScopes let only callers with an organisation in
        return org


def _person(pk: Any) -> Person:
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise DomainError("No person with this id.", field="person")
    return person


class MessageListCreate(AgencyView, generics.ListCreateAPIView):  # type: ignore[type-arg,misc]
    serializer_class = s.MessageOut

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.messages_sent_by(self.organisation())

    @extend_schema(
        request=s.MessageIn,
        responses={201: s.MessageOut},
        summary="Send a message to a person's (or a business's) mailbox",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        business = None
        if v.get("business"):
            business = Business.objects.filter(pk=v["business"]).first()
            if business is None:
                raise DomainError("No business with this id.", field="business")
        message = message_send(
            organisation=self.organisation(),
            message_type=message_type_get(v["message_type"]),
            personalisation=v["personalisation"],
            person=_person(v["person"]) if v.get("person") else None,
            business=business,
            case_ref=v["case_ref"],
            attachments=[
                NewAttachment(a["filename"], a["content_type"], a["content"])
                for a in v["attachments"]
            ],
        )
        message = selectors.message_of_sender(self.organisation(), message.pk)
        return Response(s.MessageOut(message).data, status=status.HTTP_201_CREATED)


class MessageDetail(AgencyView, generics.RetrieveAPIView):  # type: ignore[type-arg,misc]
    serializer_class = s.MessageOut

    def get_object(self) -> Message:
        return selectors.message_of_sender(self.organisation(), self.kwargs["pk"])


class NotificationCreate(AgencyView, generics.GenericAPIView):  # type: ignore[type-arg,misc]
    serializer_class = s.NotificationIn

    @extend_schema(
        request=s.NotificationIn,
        responses={201: s.NotificationsOut},
        summary="Notify a person (no mailbox message) with a template",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.NotificationIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        notifications, reason = notification_request(
            organisation=self.organisation(),
            message_type=message_type_get(v["message_type"]),
            person=_person(v["person"]),
            personalisation=v["personalisation"],
            reference=v["reference"],
        )
        body = {
            "notified": not reason,
            "not_notified_reason": reason,
            "notifications": s.NotificationOut(notifications, many=True).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class NotificationDetail(AgencyView, generics.RetrieveAPIView):  # type: ignore[type-arg,misc]
    serializer_class = s.NotificationOut

    def get_object(self) -> Notification:
        return selectors.notification_of_sender(self.organisation(), self.kwargs["pk"])
