"""The demo country's national identification number: 9 digits, the last a mod-11 check digit.

Weights 9..2 over the first 8 digits; the check digit is the weighted sum mod 11, and a
sum giving 10 is never issued. Why a check digit: it catches most typing errors before we
ever look a number up.
"""

from __future__ import annotations

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def _check_digit(first8: str) -> int:
    return sum(int(d) * w for d, w in zip(first8, WEIGHTS, strict=True)) % 11


def national_id_valid(value: str) -> bool:
    value = value.strip()
    # isascii: str.isdigit() also accepts other scripts' digits (and superscripts).
    if len(value) != 9 or not (value.isascii() and value.isdigit()):
        return False
    check = _check_digit(value[:8])
    return check != 10 and check == int(value[8])


def national_id_generate(seq: int) -> str:
    """The `seq`-th valid number (deterministic; skips bases whose check digit would be 10)."""
    if seq < 0:
        raise ValueError("seq must be >= 0")
    if seq >= 44_999_999:
        raise ValueError("seq out of range")
    # Even bases only; when an even base's check digit would be 10, the odd one after it
    # (whose sum differs by the last weight, 2) is used, so numbers never collide.
    base = 10_000_000 + seq * 2
    first8 = f"{base:08d}"
    if _check_digit(first8) == 10:
        first8 = f"{base + 1:08d}"
    return first8 + str(_check_digit(first8))
