"""Celery application: `celery -A govdoor worker` (production) or in-process (demo)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govdoor.conf.settings")

app = Celery("govdoor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
