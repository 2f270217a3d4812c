"""How a case reads in words: its answers with their sources, its status and next step in
plain language for the person, what a case worker may do now, and the rule decision.

The rule decision comes from the rules domain if it is installed and has one for the case
(imported lazily: the case page works without it).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from govdoor.cases.models import Case, CaseStatus
from govdoor.core import clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerRow:
    field: str
    value: str
    source: str
    declared: bool


def _source_text(source: Any) -> tuple[str, bool]:
    if not isinstance(source, dict) or source.get("declared"):
        return _("Declared by the applicant"), True
    register = str(source.get("register", ""))
    text = _("From the register “%(register)s”") % {"register": register}
    if source.get("version"):
        text += ", " + _("version %(v)s") % {"v": source["version"]}
    changed = str(source.get("changed_at") or "")
    if changed:
        text += ", " + _("last changed %(date)s") % {"date": changed[:10]}
    return text, False


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def answer_rows(case: Case) -> list[AnswerRow]:
    rows = []
    for name, answer in sorted((case.answers or {}).items()):
        answer = answer if isinstance(answer, dict) else {"value": answer}
        text, declared = _source_text(answer.get("source"))
        rows.append(
            AnswerRow(
                field=name.replace("_", " "),
                value=_value_text(answer.get("value")),
                source=text,
                declared=declared,
            )
        )
    return rows


def is_overdue(case: Case) -> bool:
    return bool(case.is_open and case.due_at and case.due_at < clock.now())


def staff_actions(case: Case, user: Any) -> dict[str, bool]:
    status = case.status
    return {
        "assign_me": case.is_open and case.assignee_id != getattr(user, "pk", None),
        "unassign": case.is_open and case.assignee_id is not None,
        "start_review": status == CaseStatus.SUBMITTED,
        "request_information": status == CaseStatus.IN_REVIEW,
        "information_received": status == CaseStatus.WAITING,
        "decide": status in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW),
        "route": status == CaseStatus.TRIAGE,
        "close": status in (CaseStatus.DECIDED, CaseStatus.APPEALED),
        "note": True,
    }


def _url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def rule_decision(case: Case) -> dict[str, Any] | None:
    """The rules domain's decision and its explanation in the reader's language, if any
    (for an appeal, the decision under appeal)."""
    if not apps.is_installed("govdoor.rules"):
        return None
    try:
        from govdoor.rules.selectors import decision_explanation, decision_for_case
    except ImportError:
        return None
    decision = decision_for_case(case_id=case.pk)
    if decision is None and case.parent_id is not None:
        decision = decision_for_case(case_id=case.parent_id)
    if decision is None:
        return None
    language = (translation.get_language() or "en").split("-")[0]
    return {
        "decision": decision,
        "lines": decision_explanation(decision=decision, language=language),
        "review_url": _url("rules:bo-review", decision.pk),
        "person_url": _url("rules:my-decision", decision.pk),
    }


@dataclass(frozen=True)
class PersonView:
    """A case as the person reads it: the status in plain words and what happens next."""

    status: str
    tag: str
    next_step: str


def _date(value: dt.date | dt.datetime | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def person_view(case: Case) -> PersonView:
    s = case.status
    if s in (CaseStatus.TRIAGE, CaseStatus.SUBMITTED):
        step = _("We have your request. Someone will start looking at it soon.")
        if case.due_at:
            step += " " + _("We aim to decide by %(date)s.") % {"date": _date(case.due_at)}
        return PersonView(_("Received"), "govuk-tag--blue", step)
    if s == CaseStatus.IN_REVIEW:
        step = _("A case worker is looking at your request.")
        if case.due_at:
            step += " " + _("We aim to decide by %(date)s.") % {"date": _date(case.due_at)}
        return PersonView(_("Being looked at"), "govuk-tag--light-blue", step)
    if s == CaseStatus.WAITING:
        step = _("We need more information from you. Reply to our message in your mailbox")
        if case.info_due_on:
            step += " " + _("by %(date)s") % {"date": _date(case.info_due_on)}
        return PersonView(_("Waiting for you"), "govuk-tag--orange", step + ".")
    if s == CaseStatus.DECIDED:
        if case.appeal_until and clock.today() <= case.appeal_until:
            step = _(
                "Read the decision letter. If you disagree, you can appeal until %(date)s."
            ) % {"date": _date(case.appeal_until)}
        else:
            step = _("Read the decision letter. Nothing else is needed from you.")
        return PersonView(_("Decided"), "govuk-tag--green", step)
    if s == CaseStatus.APPEALED:
        return PersonView(
            _("Appealed"),
            "govuk-tag--purple",
            _("Your appeal is being handled as a new case; follow it in your list of cases."),
        )
    return PersonView(_("Closed"), "govuk-tag--grey", _("Nothing else is needed from you."))


def can_appeal(case: Case) -> bool:
    return bool(
        case.status == CaseStatus.DECIDED
        and case.appeal_until is not None
        and clock.today() <= case.appeal_until
    )
