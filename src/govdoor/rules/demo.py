"""Demo data for rules (filled in by the rules domain)."""


def rules_demo_load() -> dict[str, int]:
    return {}
