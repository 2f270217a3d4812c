"""Root conftest: test mode for settings before Django loads."""

import os

os.environ.setdefault("GOVDOOR_MODE", "test")
