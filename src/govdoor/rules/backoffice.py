"""Back-office pages of rules: packages and releases, the review queue with the explanation
beside the case's answers, bias reports, the sandbox and scans.

Reviews work on the organisation chosen in the switcher (another organisation's decision
answers 404) and need the case worker role; every review page that shows a case's answers
is ledgered (fail closed). Releases, sandbox runs, bias reports and scans need the service
owner or administrator role.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from govdoor.backoffice.context import current_organisation, render_backoffice
from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.decorators import staff_required
from govdoor.organisations.models import Organisation, StaffRole
from govdoor.rules import bias, sandbox, scan, selectors, services
from govdoor.rules.models import Decision
from govdoor.rules.packages import rule_packages

PAGE_SIZE = 25
REVIEW_ROLES = (StaffRole.Role.CASE_WORKER,)
OWNER_ROLES = (StaffRole.Role.SERVICE_OWNER, StaffRole.Role.ADMIN)


def _organisation(request: HttpRequest, roles: tuple[str, ...] | None = None) -> Organisation:
    organisation = current_organisation(request)
    if organisation is None:
        raise PermissionDenied
    if roles and not _has(request, organisation, roles):
        raise PermissionDenied(_("This needs another role in this organisation."))
    return organisation


def _has(request: HttpRequest, organisation: Organisation, roles: tuple[str, ...]) -> bool:
    user: Any = request.user
    return StaffRole.objects.filter(user=user, organisation=organisation, role__in=roles).exists()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_l("Your decision"),
        choices=[
            ("confirm", _l("Confirm the rule's result")),
            ("granted", _l("Change it: granted")),
            ("partly_granted", _l("Change it: partly granted")),
            ("refused", _l("Change it: refused")),
        ],
    )
    amount = forms.DecimalField(
        label=_l("Amount (when you change it)"), required=False, min_value=0, decimal_places=2
    )
    reason = forms.CharField(
        label=_l("Reason (recorded, and shown to the applicant)"),
        max_length=2000,
        widget=forms.Textarea,
    )


class SandboxForm(forms.Form):
    release = forms.ChoiceField(label=_l("Version to try"))
    service = forms.ChoiceField(label=_l("Service"))
    limit = forms.IntegerField(label=_l("Last decided cases"), min_value=1, max_value=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["release"].choices = [  # type: ignore[attr-defined]
            (str(r.pk), f"{r.package} {r.version} ({r.get_status_display()})")
            for r in selectors.releases_list()
        ]
        self.fields["service"].choices = [  # type: ignore[attr-defined]
            (b.service.code, b.service.name) for b in selectors.bindings_list()
        ]


class ActivateForm(forms.Form):
    effective_from = forms.DateField(label=_l("Decides from (YYYY-MM-DD)"))


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    pending = selectors.reviews_pending(organisation=organisation)
    return render_backoffice(
        request,
        "rules/backoffice/home.html",
        {
            "packages": [(code, p) for code, p in rule_packages.items()],
            "releases": list(selectors.releases_list()[:50]),
            "bindings": list(selectors.bindings_list()[:100]),
            "pending": list(pending.select_related("organisation")[:10]),
            "pending_count": pending.count(),
            "reports": list(selectors.bias_reports_list()[:10]),
            "runs": list(selectors.sandbox_runs_list()[:10]),
            "scans": list(selectors.scans_list()[:10]),
            "may_manage": _has(request, organisation, OWNER_ROLES),
            "sandbox_form": SandboxForm(initial={"limit": 200}),
            "activate_form": ActivateForm(),
        },
    )


@staff_required
def reviews(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    page = Paginator(selectors.reviews_pending(organisation=organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_backoffice(request, "rules/backoffice/reviews.html", {"page": page})


def _decision(organisation: Organisation, decision_id: Any) -> Decision:
    try:
        return selectors.decision_for_organisation(
            organisation=organisation, decision_id=decision_id
        )
    except NotFound:
        raise Http404 from None


def _case(request: HttpRequest, organisation: Organisation, decision: Decision) -> Any:
    from govdoor.cases.selectors import case_for_staff

    try:
        user: Any = request.user
        return case_for_staff(user=user, organisation=organisation, case_id=decision.case_id)
    except NotFound:
        raise Http404 from None


def _ledger_view(request: HttpRequest, organisation: Organisation, case: Any) -> None:
    from govdoor.ledger.services import ledger_append

    ledger_append(
        subject_id=str(case.applicant_id or case.business_id),
        actor_org=organisation.code,
        actor_user=str(request.user.pk),
        action="read",
        purpose="case-handling",
        legal_basis=case.service.legal_basis or "Administrative Procedure Act",
        fields=sorted(case.answers) or ["case"],
    )


@staff_required
@transaction.atomic
def review(request: HttpRequest, decision_id: Any) -> HttpResponse:
    organisation = _organisation(request, REVIEW_ROLES)
    decision = _decision(organisation, decision_id)
    case = _case(request, organisation, decision)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["decision"]
        try:
            services.decision_review(
                decision=decision,
                user=request.user,
                organisation=organisation,
                confirm=choice == "confirm",
                outcome="" if choice == "confirm" else choice,
                amount=form.cleaned_data.get("amount"),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Decided. The applicant gets the letter."))
            return HttpResponseRedirect(reverse("rules:bo-reviews"))
    _ledger_view(request, organisation, case)
    from govdoor.cases.explain import answer_rows

    language = (get_language() or "en")[:2]
    return render_backoffice(
        request,
        "rules/backoffice/review.html",
        {
            "decision": decision,
            "case": case,
            "answers": answer_rows(case),
            "explanation": selectors.decision_explanation(decision=decision, language=language),
            "trace": decision.trace.get("nodes", []),
            "form": form,
            "open": decision.status in (Decision.Status.PENDING_REVIEW, Decision.Status.ERROR),
        },
        status=400 if form.errors else 200,
    )


@staff_required
def bias_report(request: HttpRequest, report_id: Any) -> HttpResponse:
    _organisation(request)
    try:
        report = selectors.bias_report_get(report_id)
    except NotFound:
        raise Http404 from None
    return render_backoffice(request, "rules/backoffice/bias.html", {"report": report})


@staff_required
def sandbox_detail(request: HttpRequest, run_id: Any) -> HttpResponse:
    _organisation(request)
    try:
        run = selectors.sandbox_run_get(run_id)
    except NotFound:
        raise Http404 from None
    return render_backoffice(request, "rules/backoffice/sandbox.html", {"run": run})


def _back(request: HttpRequest, text: str, error: bool = False) -> HttpResponse:
    (messages.error if error else messages.success)(request, text)
    return HttpResponseRedirect(reverse("rules:bo-home"))


@staff_required
@require_POST
def sandbox_start(request: HttpRequest) -> HttpResponse:
    _organisation(request, OWNER_ROLES)
    form = SandboxForm(request.POST)
    if not form.is_valid():
        return _back(request, _("Choose a version, a service and a number of cases."), True)
    binding = selectors.binding_for_code(form.cleaned_data["service"])
    try:
        release = selectors.release_get(form.cleaned_data["release"])
        if binding is None:
            raise NotFound(_("No such service."))
        run = sandbox.sandbox_run(
            release=release,
            service=binding.service,
            limit=form.cleaned_data["limit"],
            run_by=request.user,
        )
    except DomainError as exc:
        return _back(request, exc.detail, True)
    return HttpResponseRedirect(reverse("rules:bo-sandbox", args=[run.pk]))


@staff_required
@require_POST
def release_activate(request: HttpRequest, release_id: Any) -> HttpResponse:
    _organisation(request, OWNER_ROLES)
    form = ActivateForm(request.POST)
    if not form.is_valid():
        return _back(request, _("Enter the date from which the version decides."), True)
    try:
        release = selectors.release_get(release_id)
        services.release_activate(
            release=release, effective_from=form.cleaned_data["effective_from"]
        )
    except DomainError as exc:
        return _back(request, exc.detail, True)
    return _back(request, _("The version decides from the date given."))


@staff_required
@require_POST
def bias_create(request: HttpRequest, release_id: Any) -> HttpResponse:
    _organisation(request, OWNER_ROLES)
    binding = selectors.binding_for_code(request.POST.get("service", ""))
    try:
        release = selectors.release_get(release_id)
        if binding is None or binding.package != release.package:
            raise DomainError(_("Choose a service decided by this package."), field="service")
        report = bias.bias_report_create(release=release, binding=binding)
    except DomainError as exc:
        return _back(request, exc.detail, True)
    return HttpResponseRedirect(reverse("rules:bo-bias", args=[report.pk]))


@staff_required
@require_POST
def scan_start(request: HttpRequest) -> HttpResponse:
    _organisation(request, OWNER_ROLES)
    from govdoor.rules.tasks import scan_run

    try:
        started = scan.scan_start(service_code=request.POST.get("service", ""))
    except DomainError as exc:
        return _back(request, exc.detail, True)
    transaction.on_commit(lambda: scan_run.delay(scan_id=str(started.pk)))
    return _back(request, _("The scan has started."))
