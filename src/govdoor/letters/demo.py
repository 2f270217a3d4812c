"""Demo data for letters (filled in by the letters domain)."""


def letters_demo_load() -> dict[str, int]:
    return {}
