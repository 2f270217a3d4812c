"""The applications tests' small country (Riverton's parking permit with prefill) reused."""

from govdoor.applications.tests.conftest import (  # noqa: F401
    country,
    fast_password_hashing,
    owner_client,
    parking,
    person_client,
    purpose,
    registers,
    resident,
)
