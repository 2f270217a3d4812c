"""GovStack Digital Registries building block, served at /govstack/dr/ over our one domain model.

Why a separate edge: the GovStack spec has its own field names (`write.content`,
`answer.status`, `pageSize`), status codes (create answers 200, delete 204) and error bodies
(`{"detail": "no record found"}`); here they are mapped to and from the services and the
access selector, so a GovStack client works unchanged and the ledger still sees every read.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.agency import AgencyScopes
from govdoor.identity.api_auth import BearerTokenAuthentication
from govdoor.registries import selectors, services
from govdoor.registries.api.caller import caller_from
from govdoor.registries.models import Record, Register
from govdoor.registries.schema import SchemaViolation

IM_HEADER = "Information-Mediator-Client"
IM_FORMAT = re.compile(r"^[^/\s]+/[^/\s]+/[^/\s]+/[^/\s]+$")
NO_RECORD = "no record found"
MAX_PAGE_SIZE = 200


class ApiKeyAuthentication(BaseAuthentication):
    """The spec's `apiKey` scheme: `Authorization: <token>` with no "Bearer" in front.

    The key is an OAuth2 access token issued to an agency client (client credentials), so it
    expires and carries scopes exactly as a bearer token does.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "").strip()
        if not header or " " in header:
            return None  # empty, or a scheme such as Bearer: other authenticators decide
        token = (
            AccessToken.objects.select_related("application", "user").filter(token=header).first()
        )
        if token is None or token.is_expired():
            raise exceptions.AuthenticationFailed(_("The API key is not valid."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "apiKey"


class GovStackView(APIView):
    """Base: the Information-Mediator-Client header, agency scopes, spec-shaped errors."""

    authentication_classes = [
        BearerTokenAuthentication,
        ApiKeyAuthentication,
        SessionAuthentication,
    ]
    permission_classes = [AgencyScopes]
    schema = None  # not part of govdoor's own OpenAPI document

    @property
    def required_scopes(self) -> list[str]:
        return ["registers:read"] if self.request.method == "GET" else ["registers:write"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        header = request.headers.get(IM_HEADER, "")
        if not IM_FORMAT.match(header):
            raise exceptions.ValidationError(
                _(
                    "The Information-Mediator-Client header (INSTANCE/CLASS/MEMBER/SUBSYSTEM) "
                    "is required."
                )
            )
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, SchemaViolation):
            return Response({"detail": exc.detail, "errors": exc.errors}, status=400)
        if isinstance(exc, NotFound):
            return Response({"detail": exc.detail}, status=404)
        if isinstance(exc, DomainError):
            body: dict[str, Any] = {"detail": exc.detail}
            if exc.field:
                body["errors"] = [{"field": exc.field, "detail": exc.detail}]
            return Response(body, status=exc.status_code)
        if isinstance(exc, exceptions.APIException):
            response = super().handle_exception(exc)
            detail = exc.detail
            if isinstance(detail, list) and len(detail) == 1:
                detail = detail[0]
            response.data = {"detail": detail if isinstance(detail, str | dict) else str(detail)}
            return response
        return super().handle_exception(exc)

    def register(self, name: str, version: str) -> Register:
        return selectors.register_get(code=name, version=version)


def _content(request: Request, part: str, *, required: bool = True) -> dict[str, Any] | None:
    body = request.data if isinstance(request.data, dict) else {}
    block = body.get(part)
    if block is None and not required:
        return None
    if not isinstance(block, dict) or not isinstance(block.get("content"), dict):
        raise exceptions.ValidationError({part: {"content": _("an object is required")}})
    return dict(block["content"])


def content_of(record: Record, data: dict[str, Any]) -> dict[str, Any]:
    """A record as GovStack `content`: its fields, and `id` (our UUID) unless it has its own."""
    return {"id": str(record.pk), **data} if "id" not in data else dict(data)


def matching(register: Register, query: dict[str, Any]) -> QuerySet[Record]:
    """Records whose fields equal every value in `query`; `id` may be our record UUID."""
    query = dict(query)
    qs = selectors.records_search(register=register)
    record_id = query.get("id") if "id" not in register.field_names else None
    if record_id is not None:
        query.pop("id")
        try:
            qs = qs.filter(pk=uuid.UUID(str(record_id)))
        except ValueError:
            return qs.none()
    if query:
        qs = qs & selectors.records_search(register=register, exact=query)
    return qs.select_related("register", "register__organisation")


class DataListView(GovStackView):
    def get(self, request: Request, registryname: str, versionnumber: str) -> Response:
        register = self.register(registryname, versionnumber)
        caller = caller_from(request)
        selectors.register_access_check(register=register, caller=caller)
        params = request.query_params
        exact = {k.removeprefix("query."): v for k, v in params.items() if k.startswith("query.")}
        qs = selectors.records_search(register=register, exact=exact)
        search, field = params.get("search", ""), params.get("filter", "")
        if search:
            qs = qs.filter(self._search(register, search, field))
        descending = params.get("ordering", "").lower().startswith("desc")
        qs = qs.order_by("-created_at" if descending else "created_at", "id")
        page, size = (
            _int(params.get("page"), 1),
            min(_int(params.get("pageSize"), 10), MAX_PAGE_SIZE),
        )
        count = qs.count()
        rows = list(
            qs.select_related("register", "register__organisation")[(page - 1) * size : page * size]
        )
        values = selectors.records_read_for(records=rows, caller=caller)
        base = request.build_absolute_uri(request.path)

        def link(n: int) -> str:
            return f"{base}?{_query_with(params, page=n)}"

        return Response(
            {
                "count": count,
                "next": link(page + 1) if page * size < count else None,
                "previous": link(page - 1) if page > 1 else None,
                "results": [content_of(r, v) for r, v in zip(rows, values, strict=True)],
            }
        )

    @staticmethod
    def _search(register: Register, search: str, field: str) -> Q:
        plain = [f for f in register.field_names if f not in register.personal_fields]
        if field:
            if field not in plain:
                raise DomainError(
                    _("%(f)s cannot be searched (unknown or personal data).") % {"f": field},
                    field=field,
                )
            return Q(**{f"data__{field}__iregex": search})
        q = Q(pk__in=[])
        for name in plain:
            q |= Q(**{f"data__{name}__icontains": search})
        return q


def _int(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number >= 1 else default


def _query_with(params: Any, **changes: Any) -> str:
    from urllib.parse import urlencode

    merged = {k: v for k, v in params.items()}
    merged.update({k: str(v) for k, v in changes.items()})
    return urlencode(merged)


class DataCreateView(GovStackView):
    def post(self, request: Request, registryname: str, versionnumber: str) -> Response:
        content = _content(request, "write") or {}
        register = self.register(registryname, versionnumber)
        caller = caller_from(request)
        content.pop("id", None) if "id" not in register.field_names else None
        record = services.record_create(register=register, data=content, actor=caller)
        data = selectors.record_read_for(record=record, caller=caller)
        return Response({"content": content_of(record, data)}, status=200)


class DataExistsView(GovStackView):
    required_scopes = ["registers:read"]

    def post(self, request: Request, registryname: str, versionnumber: str) -> Response:
        query = _content(request, "query") or {}
        register = self.register(registryname, versionnumber)
        caller = caller_from(request)
        selectors.register_access_check(register=register, caller=caller, fields=list(query))
        record = matching(register, query).first()
        found = record is not None
        if record is not None and register.holds_personal_data:
            # Knowing that a record matches is a use of the queried fields: ledger it.
            selectors.record_read_for(record=record, caller=caller, only=list(query))
        message = _("Object found from database") if found else _("Object not found")
        return Response({"answer": {"status": found, "message": message}})


class DataReadView(GovStackView):
    required_scopes = ["registers:read"]

    def post(self, request: Request, registryname: str, versionnumber: str) -> Response:
        query = _content(request, "query") or {}
        register = self.register(registryname, versionnumber)
        caller = caller_from(request)
        selectors.register_access_check(register=register, caller=caller)
        record = matching(register, query).first()
        if record is None:
            return Response({"detail": NO_RECORD}, status=404)
        data = selectors.record_read_for(record=record, caller=caller)
        return Response({"content": content_of(record, data)})


def _write_fields(register: Register, content: dict[str, Any]) -> dict[str, Any]:
    if "id" not in register.field_names:
        content.pop("id", None)
    return content


class DataUpdateView(GovStackView):
    many = False

    def put(self, request: Request, registryname: str, versionnumber: str) -> Response:
        register = self.register(registryname, versionnumber)
        caller = caller_from(request)
        services.require_keeper(caller, register)
        query = _content(request, "query", required=False) or {}
        write = _write_fields(register, _content(request, "write") or {})
        if not query:
            raise exceptions.ValidationError({"query": {"content": _("an object is required")}})
        records = list(matching(register, query)[: None if self.many else 1])
        if not records:
            return Response({"detail": NO_RECORD}, status=404)
        for record in records:
            services.record_update(
                record=record, data=write, actor=caller, merge=True, reason="govstack update"
            )
        return Response({"updated": len(records)} if self.many else {})


class DataUpdateEntriesView(DataUpdateView):
    many = True


class DataUpdateOrCreateView(GovStackView):
    def post(self, request: Request, registryname: str, versionnumber: str) -> Response:
        register = self.register(registryname, versionnumber)
        caller = caller_from(request)
        services.require_keeper(caller, register)
        query = _content(request, "query", required=False) or {}
        write = _write_fields(register, _content(request, "write") or {})
        record = matching(register, query).first() if query else None
        if record is None:
            record = services.record_create(register=register, data=write, actor=caller)
        else:
            record = services.record_update(
                record=record,
                data=write,
                actor=caller,
                merge=True,
                reason="govstack updateOrCreate",
            )
        data = selectors.record_read_for(record=record, caller=caller)
        return Response({"content": content_of(record, data)})


class DataDeleteView(GovStackView):
    def delete(
        self, request: Request, registryname: str, versionnumber: str, record_id: str
    ) -> Response:
        register = self.register(registryname, versionnumber)
        caller = caller_from(request)
        services.require_keeper(caller, register)
        record = matching(register, {"id": record_id}).first()
        if record is None:
            return Response({"detail": NO_RECORD}, status=404)
        services.record_delete(record=record, actor=caller, reason="govstack delete")
        return Response(status=204)


class DataReadValueView(GovStackView):
    def get(
        self,
        request: Request,
        registryname: str,
        versionnumber: str,
        record_id: str,
        field: str,
        ext: str,
    ) -> Response:
        register = self.register(registryname, versionnumber)
        if ext not in ("json", "txt"):
            raise DomainError(_("The value can be read as .json or .txt."), field="ext")
        caller = caller_from(request)
        selectors.register_access_check(register=register, caller=caller)
        if field not in register.field_names and field != "id":
            return Response({"detail": NO_RECORD}, status=404)
        record = matching(register, {"id": record_id}).first()
        if record is None:
            return Response({"detail": NO_RECORD}, status=404)
        content = content_of(record, selectors.record_read_for(record=record, caller=caller))
        if field not in content:
            return Response({"detail": NO_RECORD}, status=404)
        if ext == "txt":
            from django.http import HttpResponse

            return HttpResponse(str(content[field]), content_type="text/plain; charset=utf-8")  # type: ignore[return-value]
        return Response({"value": content[field]})
