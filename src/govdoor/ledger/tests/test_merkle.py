"""Property tests of the Merkle code against a straight transcription of RFC 9162 2.1."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govdoor.ledger import merkle

BOUND = 40


def ref_mth(leaves: list[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def ref_path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return ref_path(m, leaves[:k]) + [ref_mth(leaves[k:])]
    return ref_path(m - k, leaves[k:]) + [ref_mth(leaves[:k])]


def ref_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [ref_mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return ref_subproof(m, leaves[:k], whole) + [ref_mth(leaves[k:])]
    return ref_subproof(m - k, leaves[k:], False) + [ref_mth(leaves[:k])]


def data(n: int) -> list[bytes]:
    return [f"leaf {i}".encode() for i in range(n)]


def hashes(leaves: list[bytes]) -> list[bytes]:
    return [merkle.leaf_hash(x) for x in leaves]


def flip(value: bytes, bit: int) -> bytes:
    bit %= len(value) * 8
    out = bytearray(value)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def test_the_empty_tree_has_the_hash_of_the_empty_string_as_root():
    assert merkle.root([]) == hashlib.sha256(b"").digest() == merkle.EMPTY_ROOT


def test_roots_match_the_rfc_recursion_for_every_size_up_to_the_bound():
    for n in range(1, BOUND + 1):
        assert merkle.root(hashes(data(n))) == ref_mth(data(n)), n


def test_inclusion_proofs_match_the_rfc_and_verify_for_every_index_and_size():
    for n in range(1, BOUND + 1):
        leaves = data(n)
        root = ref_mth(leaves)
        for m in range(n):
            proof = merkle.inclusion_proof(m, hashes(leaves))
            assert proof == ref_path(m, leaves), (m, n)
            assert merkle.inclusion_verify(
                index=m, size=n, leaf=merkle.leaf_hash(leaves[m]), proof=proof, root_hash=root
            )


def test_consistency_proofs_match_the_rfc_and_verify_for_every_pair_of_sizes():
    for n in range(1, BOUND + 1):
        leaves = data(n)
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(m, hashes(leaves))
            assert proof == ref_subproof(m, leaves, True), (m, n)
            assert merkle.consistency_verify(
                first=m,
                second=n,
                first_root=ref_mth(leaves[:m]),
                second_root=ref_mth(leaves),
                proof=proof,
            ), (m, n)


sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=150, deadline=None)
@given(n=sizes, data_=st.data())
def test_any_flipped_bit_in_leaf_proof_or_root_fails_inclusion(n, data_):
    leaves = data(n)
    m = data_.draw(st.integers(0, n - 1))
    leaf = merkle.leaf_hash(leaves[m])
    proof = merkle.inclusion_proof(m, hashes(leaves))
    root = ref_mth(leaves)
    bit = data_.draw(st.integers(0, 255))
    assert merkle.inclusion_verify(index=m, size=n, leaf=leaf, proof=proof, root_hash=root)
    assert not merkle.inclusion_verify(
        index=m, size=n, leaf=flip(leaf, bit), proof=proof, root_hash=root
    )
    assert not merkle.inclusion_verify(
        index=m, size=n, leaf=leaf, proof=proof, root_hash=flip(root, bit)
    )
    if proof:
        at = data_.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:at], flip(proof[at], bit), *proof[at + 1 :]]
        assert not merkle.inclusion_verify(index=m, size=n, leaf=leaf, proof=bad, root_hash=root)
        assert not merkle.inclusion_verify(
            index=m, size=n, leaf=leaf, proof=proof[:-1], root_hash=root
        )


@settings(max_examples=150, deadline=None)
@given(n=sizes, data_=st.data())
def test_any_flipped_bit_in_a_root_or_proof_fails_consistency(n, data_):
    leaves = data(n)
    m = data_.draw(st.integers(1, n))
    proof = merkle.consistency_proof(m, hashes(leaves))
    old, new = ref_mth(leaves[:m]), ref_mth(leaves)
    bit = data_.draw(st.integers(0, 255))
    ok = merkle.consistency_verify(first=m, second=n, first_root=old, second_root=new, proof=proof)
    assert ok
    assert not merkle.consistency_verify(
        first=m, second=n, first_root=flip(old, bit), second_root=new, proof=proof
    )
    assert not merkle.consistency_verify(
        first=m, second=n, first_root=old, second_root=flip(new, bit), proof=proof
    )
    if proof:
        at = data_.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:at], flip(proof[at], bit), *proof[at + 1 :]]
        assert not merkle.consistency_verify(
            first=m, second=n, first_root=old, second_root=new, proof=bad
        )


@pytest.mark.parametrize(("index", "size"), [(-1, 3), (3, 3), (0, 0)])
def test_inclusion_refuses_an_index_outside_the_tree(index, size):
    with pytest.raises(ValueError):
        merkle.inclusion_ranges(index, size)
    assert merkle.inclusion_root(index, size, b"\x00" * 32, []) is None


def test_consistency_refuses_sizes_out_of_order():
    with pytest.raises(ValueError):
        merkle.consistency_ranges(5, 4)
    with pytest.raises(ValueError):
        merkle.consistency_ranges(0, 4)
    assert not merkle.consistency_verify(
        first=5, second=4, first_root=b"\x00" * 32, second_root=b"\x00" * 32, proof=[]
    )


def test_every_proof_range_is_aligned_so_it_is_made_of_stored_complete_subtrees():
    for n in range(1, 70):
        for m in range(n):
            for start, end in merkle.inclusion_ranges(m, n):
                width = 1 << (end - start - 1).bit_length()
                assert start % width == 0
                assert end - start <= width
        for m in range(1, n + 1):
            for start, end in merkle.consistency_ranges(m, n):
                width = 1 << (end - start - 1).bit_length()
                assert start % width == 0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=37), min_size=1, max_size=6))
def test_extending_a_tree_batch_by_batch_finishes_every_complete_subtree_once(batches):
    """The sequencer's level-by-level extension against the RFC recursion: whatever the
    batch sizes (empty ones included), every complete subtree of level 1 or more is made
    exactly once with the RFC's hash, and the frontier folds to the RFC's root."""
    leaves = hashes(data(sum(batches)))
    size, frontier, made = 0, [], {}
    for n in batches:
        new, frontier = merkle.tree_extend(size, frontier, leaves[size : size + n])
        for level, index, digest in new:
            assert (level, index) not in made
            made[(level, index)] = digest
        size += n
        assert [(lvl, idx) for lvl, idx, _h in frontier] == merkle.range_nodes(0, size)
        assert merkle.fold_right([h for _l, _i, h in frontier]) == ref_mth(data(size))
    expected = {
        (level, index) for level in range(1, size.bit_length()) for index in range(size >> level)
    }
    assert set(made) == expected
    for (level, index), digest in made.items():
        span = data(size)[index << level : (index + 1) << level]
        assert digest == ref_mth(span)


def test_extending_keeps_only_the_levels_asked_for():
    leaves = hashes(data(70))
    new, frontier = merkle.tree_extend(0, [], leaves, keep_from=4)
    assert sorted((lvl, idx) for lvl, idx, _h in new) == [
        (4, 0),
        (4, 1),
        (4, 2),
        (4, 3),
        (5, 0),
        (5, 1),
        (6, 0),
    ]
    assert merkle.fold_right([h for _l, _i, h in frontier]) == ref_mth(data(70))
