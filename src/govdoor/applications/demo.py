"""Demo data for applications (filled in by the applications domain)."""


def applications_demo_load() -> dict[str, int]:
    return {}
