"""The portal page "Who used my data": every recorded use of a person's data, verifiable.

Why a card per use rather than a table: a use has up to eight facts, and a table of eight
columns does not fit a phone; a card's rows stack. Why the page works without JavaScript: the
list is the point; the "Verify" buttons are an enhancement that checks each entry's inclusion
proof and the checkpoint signature in the browser, against the same public API outside
verifiers use.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from govdoor.identity.decorators import person_required
from govdoor.ledger import selectors
from govdoor.ledger.purposes import purposes_in_words

ACTION_LABELS = {
    "read": _("Looked at"),
    "disclose": _("Shared"),
    "prefill": _("Filled in a form"),
    "decide": _("Used for a decision"),
    "export": _("Exported"),
    "erase": _("Erased"),
}


@person_required()
def my_data_uses(request: HttpRequest) -> HttpResponse:
    person = request.user.person  # type: ignore[union-attr]
    subjects = selectors.data_use_subjects(person)
    page = Paginator(selectors.data_uses_queryset(subjects), 50).get_page(request.GET.get("page"))
    rows = selectors.data_uses_rows(list(page.object_list), subjects)
    words = purposes_in_words({row["purpose"] for row in rows})
    for row in rows:
        row["action_label"] = ACTION_LABELS.get(row["action"], row["action"])
        row["purpose_words"] = words.get(row["purpose"])
        # The record's UTC time as a datetime, shown in the reader's language and time zone.
        row["at_time"] = dt.datetime.fromisoformat(row["at"])
    return render(
        request,
        "ledger/my_data_uses.html",
        {"page": page, "rows": rows, "shows_others": len(subjects) > 1},
    )
