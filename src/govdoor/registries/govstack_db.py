"""GovStack Digital Registries database API (/databases, /database/{id}, /database/modify) and
the "my personal data usage" endpoint, answered from the data-use ledger.

Why the register's integer `number`: GovStack names databases by integer id, govdoor by
UUID; the number is stable and reveals nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from govdoor.core.errors import Conflict, NotFound, Refused
from govdoor.registries import selectors, services
from govdoor.registries.api.caller import caller_from
from govdoor.registries.govstack import GovStackView
from govdoor.registries.models import Register

SERVICES = [
    "data-list",
    "data-create",
    "data-read",
    "data-exists",
    "data-update",
    "data-update-entries",
    "data-update-or-create",
    "data-delete",
    "data-read-value",
]


def database_info(register: Register, count: int) -> dict[str, Any]:
    props = register.json_schema.get("properties", {})
    flags = [
        {"name": "mandatory", "path": f"/{name}"}
        for name in register.json_schema.get("required", [])
    ]
    flags += [{"name": "personal", "path": f"/{name}"} for name in register.personal_fields]
    return {
        "id": register.number,
        "version": register.version,
        "name": register.code,
        "description": register.description or register.name,
        "institution": register.organisation.name,
        "numberFormat": "{uuid}",
        "schema": register.json_schema,
        "schemaTags": [
            {
                "name": name,
                "path": f"/{name}",
                "isFulltext": name not in register.personal_fields
                and props[name].get("type") == "string",
            }
            for name in props
        ],
        "schemaFlags": flags,
        "fieldsUniques": [[register.key_field]] if register.key_field else [],
        "isDraft": False,
        "isDisabled": not register.is_active,
        "isArchived": False,
        "modifiedAt": register.updated_at.isoformat().replace("+00:00", "Z"),
        "byUserName": "",
        "byUserAuthId": 0,
        "byOnBehalfOfUserAuthId": 0,
        "byOnBehalfOfUserName": "",
        "genericServices": [
            {"serviceId": n, "name": name, "isVisible": True, "usedCount": 0}
            for n, name in enumerate(SERVICES, start=1)
        ],
        "dataIndexIncrement": count,
        "hasLogo": False,
    }


def _with_counts() -> Any:
    return Register.objects.select_related("organisation").annotate(
        live=Count("records", filter=Q(records__deleted_at__isnull=True))
    )


class DatabasesView(GovStackView):
    def get(self, request: Request) -> Response:
        registers = list(_with_counts().filter(is_active=True).order_by("number"))
        return Response(
            {
                "id": 1,
                "name": settings.GOVDOOR_COUNTRY_NAME,
                "code": "govdoor",
                "databases": [database_info(r, r.live) for r in registers],
                "groupId": 1,
                "order": 1,
                "dataIndexIncrement": sum(r.live for r in registers),
            }
        )


class DatabaseView(GovStackView):
    def _get(self, pk: int) -> Register:
        register = _with_counts().filter(number=pk).first()
        if register is None:
            raise NotFound(_("No database with that id."))
        return register

    def get(self, request: Request, pk: int) -> Response:
        register = self._get(pk)
        return Response(database_info(register, register.live))  # type: ignore[attr-defined]

    def delete(self, request: Request, pk: int) -> Response:
        register = self._get(pk)
        if not caller_from(request).keeps(register):
            raise Refused(_("Only the register keeper may delete its schema."))
        if register.live:  # type: ignore[attr-defined]
            raise Conflict(_("The database still holds %(n)d record(s).") % {"n": register.live})  # type: ignore[attr-defined]
        register.is_active = False
        register.save(update_fields=["is_active", "updated_at"])
        return Response("Success")


class DatabaseModifyView(GovStackView):
    @transaction.atomic
    def post(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        code, schema = body.get("code"), body.get("schema")
        if not isinstance(code, str) or not code or not isinstance(schema, dict):
            raise exceptions.ValidationError(_("code and schema are required."))
        caller = caller_from(request)
        existing = (
            Register.objects.filter(code=code.lower(), is_active=True)
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            register = services.register_schema_update(
                register=existing, json_schema=schema, actor=caller
            )
        else:
            if (
                caller.organisation is None
                or not caller.is_agency
                and ("register_keeper" not in caller.roles)
            ):
                raise Refused(_("Only a register keeper defines registers."))
            register = services.register_create(
                organisation=caller.organisation,
                code=code.lower(),
                name=str(body.get("catalogName") or code),
                json_schema=schema,
                description=str(body.get("groupName") or ""),
            )
        return Response(register.json_schema)


class PersonalDataUsageView(GovStackView):
    """Who has read this person's data: the person themselves, or the keeper of `databaseId`."""

    required_scopes = ["registers:read"]

    def get(self, request: Request, version: str | None = None) -> Response:
        from govdoor.identity.selectors import person_by_national_id
        from govdoor.ledger.selectors import data_uses_queryset, data_uses_rows

        user_id, database = (
            request.query_params.get("userId"),
            request.query_params.get("databaseId"),
        )
        if not user_id or not database:
            raise exceptions.ValidationError(_("userId and databaseId are required."))
        person = person_by_national_id(user_id)
        if person is None:
            return Response({"detail": _("Person requests not found")}, status=404)
        caller = caller_from(request)
        own = getattr(request.user, "person_id", None) == person.pk
        keeper = any(caller.keeps(r) for r in Register.objects.filter(code=database.lower()))
        if not (own or keeper):
            raise Refused(_("Only the person or the keeper of that database may see this."))
        # An entry whose subject is still set has its body (the erasure trigger clears both).
        records = [r for r in data_uses_queryset([str(person.pk)])[:500] if r.body is not None]
        rows = data_uses_rows(records, {str(person.pk): None})
        out = []
        for record, row in zip(records, rows, strict=True):
            assert record.body is not None  # filtered above
            actor = json.loads(record.body)["actor"]
            out.append(
                {
                    "id": str(row["index"] if row["index"] is not None else record.id),
                    "readerId": actor.get("user") or "",
                    "readerInitials": "",
                    "readerInstitutionId": row["org"],
                    "readerInstitutionName": row["org_name"],
                    "readerApplicationName": row["purpose"],
                    "searchDateTime": row["at"],
                    "refrences": [{"ReferenceID": f"{row['action']}:{','.join(row['fields'])}"}],
                }
            )
        return Response(out)


__all__ = [
    "DatabaseModifyView",
    "DatabaseView",
    "DatabasesView",
    "PersonalDataUsageView",
    "selectors",
]
