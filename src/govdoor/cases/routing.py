"""Who handles a case: the competent organisation, the triage desk, the appeal body.

- Competence: the service's jurisdiction rules (catalogue.service_competent_authority) for
  the area the applicant lives in now (catalogue.person_municipality; for a business, its
  registered municipality). A local service goes to the person's municipality.
- Triage: when no organisation is competent (no address, no organisation at that level for
  the area, the municipality does not offer the service), the case goes to the central
  triage organisation, never nowhere: setting GOVDOOR_CASES_TRIAGE_ORGANISATION (an
  organisation code, default "government", the demo's central government), else the
  oldest active central organisation without a parent.
- Appeals: an appeal is heard one level up: by the deciding organisation's parent (a
  municipality's region, an agency's ministry or government); an organisation without a
  parent has its appeals heard by the triage organisation (the central government), which
  for the central government itself means a fresh review by a different case worker.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from govdoor.catalogue.models import Service
from govdoor.catalogue.selectors import person_municipality, service_competent_authority
from govdoor.core.errors import Unavailable
from govdoor.identity.models import Business, Person
from govdoor.organisations.models import Organisation

DEFAULT_TRIAGE_CODE = "government"


def triage_organisation() -> Organisation:
    code = getattr(settings, "GOVDOOR_CASES_TRIAGE_ORGANISATION", DEFAULT_TRIAGE_CODE)
    organisation = Organisation.objects.filter(code=code, is_active=True).first()
    if organisation is None:
        organisation = (
            Organisation.objects.filter(
                level=Organisation.Level.CENTRAL, parent__isnull=True, is_active=True
            )
            .order_by("created_at", "code")
            .first()
        )
    if organisation is None:
        raise Unavailable(_("No central organisation can receive cases yet."))
    return organisation


def applicant_area(*, applicant: Person | None, business: Business | None) -> Any:
    """The area (municipality) that decides competence: where the person lives now."""
    if applicant is not None:
        return person_municipality(applicant)
    if business is not None:
        return business.municipality
    return None


def competent_for(*, service: Service, area: Any) -> tuple[Service, Organisation] | None:
    """The service variant and organisation competent for `service` in `area`, or None
    (→ triage). A kind of service offered by each municipality resolves to the variant of
    the person's municipality (its own name and rules), as the catalogue shows it."""
    if area is None:
        return None
    return service_competent_authority(service=service, area=area)


def appeal_body(organisation: Organisation) -> Organisation:
    """One level up from the deciding organisation, or the central triage organisation."""
    if organisation.parent_id is not None:
        parent = Organisation.objects.filter(pk=organisation.parent_id, is_active=True).first()
        if parent is not None:
            return parent
    return triage_organisation()
