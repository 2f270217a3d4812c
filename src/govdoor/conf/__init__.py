"""Settings, read from the environment once (see settings.py)."""
