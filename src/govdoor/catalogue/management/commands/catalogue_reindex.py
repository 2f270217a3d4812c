"""`manage.py catalogue_reindex`: rebuild every service's search terms.

Why it exists: after the word rules in `catalogue/text.py` change (a new stopword, a better
plural rule), the stored terms must be made again so questions and services still meet.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from govdoor.catalogue.models import Service
from govdoor.catalogue.services import search_terms_rebuild


class Command(BaseCommand):
    help = "Rebuild the search terms of every service."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for service in Service.objects.iterator(chunk_size=200):
            with transaction.atomic():
                search_terms_rebuild(service=service)
            count += 1
        self.stdout.write(f"Re-indexed {count} services.")
