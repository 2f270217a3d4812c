"""The Merkle tree of RFC 9162 section 2.1: hashing, proofs and their verification.

Why pure functions over *ranges*: a proof is a list of hashes of leaf ranges [start, end).
Every range the RFC's recursion produces is aligned (it starts at a multiple of the smallest
power of two not below its length), so it is either a complete subtree, stored once as
(level, index), or a right-edge partial subtree, the fold of O(log n) complete ones. The
storage layer resolves ranges to stored nodes; the same code proves over an in-memory list
in tests, so the stored tree and the RFC cannot drift apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Range = tuple[int, int]
NodeKey = tuple[int, int]  # (level, index): the complete subtree of leaves [index<<level, ...)

# Storage keeps the complete subtrees from this level up; the leaves are the entries' hashes.
# Levels in between are hashed from at most 2**STORED_FROM_LEVEL leaves that the same read
# fetches: a sixteenth of the rows the sequencer would write, for up to 15 more rows in a
# proof's one query.
STORED_FROM_LEVEL = 4


def subtree_hash(hashes: Sequence[bytes]) -> bytes:
    """The root of a complete subtree from its 2**k leaf (or node) hashes, in order."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[k], level[k + 1]) for k in range(0, len(level), 2)]
    return level[0]


def leaf_hash(leaf_bytes: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf_bytes).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    if n < 2:
        raise ValueError("a split needs at least two leaves")
    return 1 << ((n - 1).bit_length() - 1)


# --- Which ranges a proof needs (RFC 9162 2.1.3.1 and 2.1.4.1) ---------------------------


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """PATH(index, D[0:size]) as leaf ranges, leaf-side first."""
    if not 0 <= index < size:
        raise ValueError("index must be in [0, size)")
    out: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start = start + k
    out.reverse()
    return out


def consistency_ranges(first: int, second: int) -> list[Range]:
    """PROOF(first, D[0:second]) as leaf ranges, in the RFC's order."""
    if not 0 < first <= second:
        raise ValueError("consistency needs 0 < first <= second")
    out: list[Range] = []
    start, end, m, whole = 0, second, first, True
    while True:
        n = end - start
        if m == n:
            if not whole:
                out.append((start, end))
            break
        k = split_point(n)
        if m <= k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start, m, whole = start + k, m - k, False
    out.reverse()
    return out


def range_nodes(start: int, end: int) -> list[NodeKey]:
    """The complete subtrees that make up an aligned range, left to right."""
    keys: list[NodeKey] = []
    pos = start
    remaining = end - start
    while remaining:
        level = remaining.bit_length() - 1
        keys.append((level, pos >> level))
        pos += 1 << level
        remaining -= 1 << level
    return keys


def fold_right(hashes: Sequence[bytes]) -> bytes:
    """Hash of a range from its complete subtrees (left to right, decreasing sizes)."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


Node = tuple[int, int, bytes]  # (level, index, hash)


def tree_extend(
    size: int, frontier: Sequence[Node], leaves: Sequence[bytes], *, keep_from: int = 1
) -> tuple[list[Node], list[Node]]:
    """Append `leaves` to a tree of `size` leaves whose right edge is `frontier` (its
    complete subtrees, left to right: `range_nodes(0, size)` with their hashes). Returns the
    complete subtrees of level `keep_from` or more that the new leaves finish, level by
    level, and the new tree's frontier.

    Why level by level rather than a stack per leaf: the new complete subtrees of level L
    are exactly the indices [size >> L, (size + n) >> L), each the hash of two children of
    level L - 1 of which only the first may be old (the frontier's, when size >> (L - 1) is
    odd); so each level is one list comprehension over the one below, about a third of
    the time of pushing and popping every leaf through a stack in Python (the sequencer
    hashes every batch this way)."""
    edge = {level: h for level, _index, h in frontier}
    end_size = size + len(leaves)
    sha = hashlib.sha256
    made: list[Node] = []
    levels: list[list[bytes]] = [list(leaves)]
    level = 0
    while (size >> level) < (end_size >> level):
        below, first = levels[level], size >> level
        if first & 1:
            below = [edge[level], *below]
        pairs = iter(below)
        above = [
            sha(b"\x01" + left + right).digest() for left, right in zip(pairs, pairs, strict=False)
        ]
        level += 1
        levels.append(above)
        if level >= keep_from:
            start = size >> level
            made.extend((level, start + k, h) for k, h in enumerate(above))
    new_edge: list[Node] = []
    for lvl in range(end_size.bit_length() - 1, -1, -1):
        if end_size >> lvl & 1:
            index = (end_size >> lvl) - 1
            fresh = index - (size >> lvl)
            digest = levels[lvl][fresh] if lvl < len(levels) and fresh >= 0 else edge[lvl]
            new_edge.append((lvl, index, bytes(digest)))
    return made, new_edge


def resolve(ranges: Sequence[Range], node: Callable[[NodeKey], bytes]) -> list[bytes]:
    """Turn ranges into hashes with `node`, a lookup of one complete subtree."""
    return [fold_right([node(key) for key in range_nodes(s, e)]) for s, e in ranges]


def keys_needed(ranges: Sequence[Range]) -> set[NodeKey]:
    return {key for s, e in ranges for key in range_nodes(s, e)}


# --- Over an in-memory list of leaf hashes -------------------------------------------------


def _levels(leaf_hashes: Sequence[bytes]) -> list[list[bytes]]:
    levels = [list(leaf_hashes)]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
    return levels


def _lookup(leaf_hashes: Sequence[bytes]) -> Callable[[NodeKey], bytes]:
    levels = _levels(leaf_hashes)
    return lambda key: levels[key[0]][key[1]]


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of the list; SHA-256("") for the empty list."""
    if not leaf_hashes:
        return EMPTY_ROOT
    return resolve([(0, len(leaf_hashes))], _lookup(leaf_hashes))[0]


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    return resolve(inclusion_ranges(index, len(leaf_hashes)), _lookup(leaf_hashes))


def consistency_proof(first: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    return resolve(consistency_ranges(first, len(leaf_hashes)), _lookup(leaf_hashes))


# --- Verification (RFC 9162 2.1.3.2 and 2.1.4.2) --------------------------------------------


def inclusion_root(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root the proof leads to from `leaf` (a leaf hash), or None if it is malformed."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if len(p) != HASH_SIZE or sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def inclusion_verify(
    *, index: int, size: int, leaf: bytes, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    return inclusion_root(index, size, leaf, proof) == root_hash


def consistency_verify(
    *, first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2; equal sizes need an empty proof and equal roots."""
    if not 0 < first <= second:
        return False
    if any(len(p) != HASH_SIZE for p in proof):
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first root is the first proof node
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
