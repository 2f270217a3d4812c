"""Settings for the test suite: test mode (fast password hashing) unless told otherwise.

Why a module and not conftest.py: pytest-django imports settings before any conftest runs.
"""

import os

os.environ.setdefault("GOVDOOR_MODE", "test")

from govdoor.conf.settings import *  # noqa: E402,F403
