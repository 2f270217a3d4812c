"""Demo data for applications: the exchange purposes and policies the demo forms prefill
through, and a published form for the parking permit of every municipality, child benefit,
the business start-up grant and housing allowance.

Idempotent: a purpose, policy or form that exists is left as it is (its owner may have
edited it). Purposes and policies go through the exchange's services: the requester proposes,
the register's keeper approves. Why the one shortcut: an agency of the demo country that
keeps a register but has no register-keeper account (the Transport Agency) cannot approve
through the service, so its policies are approved here as the exchange's own demo does.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.db.models import Q

from govdoor.applications import selectors, services
from govdoor.applications.demo_forms import FORMS, PURPOSES
from govdoor.catalogue.selectors import services_list
from govdoor.core.errors import DomainError
from govdoor.exchange import selectors as exchange
from govdoor.exchange.services import policy_decide, policy_propose, purpose_create
from govdoor.organisations.models import Organisation, StaffRole
from govdoor.organisations.selectors import organisation_staff, user_has_role
from govdoor.registries import selectors as registers

log = logging.getLogger(__name__)
VALID_FROM = dt.date(2020, 1, 1)


def _requesters(spec: str) -> list[Organisation]:
    if spec == "*local":
        return list(Organisation.objects.filter(level=Organisation.Level.LOCAL).order_by("code"))
    return list(Organisation.objects.filter(code=spec))


def _keeper_user(organisation: Any) -> Any:
    for user in organisation_staff(organisation):
        if user_has_role(user, organisation, StaffRole.Role.REGISTER_KEEPER):
            return user
    return None


def _policy(purpose: Any, requester: Any, register_code: str, fields: list[str]) -> int:
    if exchange.policies_for(requester=requester, purpose=purpose, register_code=register_code):
        return 0
    policy = policy_propose(
        purpose=purpose,
        requester=requester,
        register_code=register_code,
        fields=fields,
        valid_from=VALID_FROM,
    )
    keeper = _keeper_user(policy.keeper)
    if keeper is not None:
        policy_decide(policy=policy, approve=True, decided_by=keeper, note="demo")
    else:  # no keeper account in the demo country (see the module docstring)
        policy.status = policy.Status.APPROVED
        policy.decision_note = "demo: approved for the demo country"
        policy.save(update_fields=["status", "decision_note"])
    return 1


def _purposes() -> dict[str, int]:
    counts = {"purposes": 0, "policies": 0}
    for spec in PURPOSES:
        requesters = _requesters(spec["requesters"])
        fields = [f for f in spec["fields"] if _field_exists(f)]
        if not requesters or not fields:
            continue
        purpose = exchange.purpose_get(spec["code"])
        if purpose is None:
            purpose = purpose_create(
                code=spec["code"],
                name=spec["name"],
                description=spec["description"],
                legal_basis=spec["legal_basis"],
                allowed_fields=fields,
                retention_days=365 * 2,
                requesting_organisations=requesters,
            )
            counts["purposes"] += 1
        by_register: dict[str, list[str]] = {}
        for item in fields:
            code, _dot, name = item.partition(".")
            by_register.setdefault(code, []).append(name)
        for requester in requesters:
            for code, names in sorted(by_register.items()):
                counts["policies"] += _policy(purpose, requester, code, names)
    return counts


def _field_exists(item: str) -> bool:
    code, _dot, name = item.partition(".")
    try:
        return name in registers.register_get(code=code).field_names
    except DomainError:
        return False


def _services_for(key: str) -> list[Any]:
    return list(services_list().filter(Q(code=key) | Q(kind=key)).order_by("code"))


def _forms() -> int:
    made = 0
    for key, definition in FORMS:
        for service in _services_for(key):
            form = selectors.form_of_service(service)
            if form is not None and selectors.version_published(form) is not None:
                continue
            try:
                services.form_draft_save(
                    service=service, definition=copy.deepcopy(definition), check=False
                )
            except services.DefinitionInvalid as exc:
                # A register or purpose the country lacks: no online form, and say why.
                log.warning(
                    "demo form not loaded",
                    extra={"service": service.code, "error": str(exc.errors[0])},
                )
                continue
            services.form_publish(service=service, check=False)
            made += 1
    return made


@transaction.atomic
def applications_demo_load() -> dict[str, int]:
    """Purposes, policies and published forms of the demo country; a second run adds nothing."""
    counts = _purposes()
    counts["forms"] = _forms()
    return counts
