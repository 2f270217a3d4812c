"""Demo data for cases (filled in by the cases domain)."""


def cases_demo_load() -> dict[str, int]:
    return {}
