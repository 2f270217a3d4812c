"""Settings for benchmark servers only: govdoor's settings plus a bare baseline view.

Why a module of its own: the production URL map stays free of benchmark routes; gunicorn
under `make bench` is started with DJANGO_SETTINGS_MODULE=benchmarks.settings.
"""

from govdoor.conf.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
