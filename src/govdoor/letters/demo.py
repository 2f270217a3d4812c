"""Demo data for letters: the demo root, and a signing identity for every organisation.

Why ahead of the first letter: identities are made lazily anyway, but making them here
keeps the first receipt of the demo fast and shows the root in var/demo-secrets.json at
once. Idempotent: a second run creates nothing.
"""

from __future__ import annotations

from django.db import transaction


def letters_demo_load() -> dict[str, int]:
    from govdoor.letters import pki
    from govdoor.letters.models import SigningIdentity
    from govdoor.letters.services import signing_identity_for
    from govdoor.organisations.selectors import organisations_list

    pki.authority()
    before = SigningIdentity.objects.count()
    with transaction.atomic():
        for organisation in organisations_list().filter(is_active=True):
            signing_identity_for(organisation)
    return {"signing_identities": SigningIdentity.objects.count() - before}
