"""Plain words for the purpose codes that ledger records carry.

Why a registry: a record names its purpose by code (specs/ledger.md: the leaf bytes must not
change when wording does), yet "Who used my data" owes the person the purpose in plain words.
The domain that writes a purpose is the one that knows what it means: the exchange keeps a
plain-language description of each agreed purpose, and the case, messaging, register and
document domains each have a few fixed purposes of their own. The ledger, which every domain
writes to, imports none of them: each registers a describer here (`purpose_words`) when its
app is ready, and a code no describer knows is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from govdoor.core.registry import Registry

# Given the codes still undescribed, their plain words (the codes it does not know left out).
Describer = Callable[[set[str]], Mapping[str, str]]

purpose_words: Registry[Describer] = Registry("ledger purpose words")


def purposes_in_words(codes: Iterable[str]) -> dict[str, str]:
    """Plain words for each code some describer knows (the first, by describer id, wins); a
    describer is asked only for the codes still undescribed, and not at all once none are."""
    wanted = set(codes)
    found: dict[str, str] = {}
    for _plugin_id, describe in purpose_words.items():
        missing = wanted - found.keys()
        if not missing:
            break
        found.update((code, str(words)) for code, words in describe(missing).items())
    return found


def fixed_words(words: Mapping[str, Any]) -> Describer:
    """A describer of a domain's fixed purposes (lazy translations: worded in the language of
    the request that asks)."""

    def describe(codes: set[str]) -> dict[str, str]:
        return {code: str(words[code]) for code in codes if code in words}

    return describe
