"""Signing staff in for tests: the shared helper lives in identity."""

from govdoor.identity.testing import sign_in_staff

__all__ = ["sign_in_staff"]
