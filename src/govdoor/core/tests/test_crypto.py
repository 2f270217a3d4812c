import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from govdoor.core import crypto
from govdoor.core.crypto import DecryptionError, blind_index, decrypt, encrypt, parse_keyring


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


KEY_A = _key()
KEY_B = _key()
RING_A = parse_keyring(f"a:{KEY_A}")
RING_BA = parse_keyring(f"b:{KEY_B},a:{KEY_A}")
RING_B = parse_keyring(f"b:{KEY_B}")


def test_a_value_encrypted_with_the_configured_keys_decrypts_to_itself():
    envelope = encrypt("123456782", context="identity.person.national_id")
    assert "123456782" not in envelope
    assert envelope.startswith("g1.")
    assert decrypt(envelope, context="identity.person.national_id") == "123456782"


def test_the_same_value_encrypts_differently_each_time():
    assert encrypt("x", ring=RING_A) != encrypt("x", ring=RING_A)


@hypothesis_settings(deadline=None)  # a loaded CI machine must not make these flaky
@given(st.text(max_size=200), st.text(max_size=40))
def test_any_text_survives_a_round_trip_in_any_context(plaintext, context):
    envelope = encrypt(plaintext, context=context, ring=RING_A)
    assert decrypt(envelope, context=context, ring=RING_A) == plaintext


@hypothesis_settings(deadline=None)  # a loaded CI machine must not make these flaky
@given(st.text(min_size=1, max_size=50), st.integers(min_value=0, max_value=200), st.data())
def test_any_changed_byte_of_the_sealed_blob_is_refused(plaintext, position, data):
    envelope = encrypt(plaintext, ring=RING_A)
    version, kid, blob = envelope.split(".", 2)
    raw = bytearray(base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4)))
    index = position % len(raw)
    raw[index] ^= data.draw(st.integers(min_value=1, max_value=255))
    tampered = f"{version}.{kid}.{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"
    with pytest.raises(DecryptionError):
        decrypt(tampered, ring=RING_A)


@pytest.mark.parametrize(
    "envelope",
    ["", "plain text", "g1.a", "g2.a.AAAA", "g1.a.!!!not-base64!!!", "g1.a.AAAA", "g1..AAAA"],
)
def test_a_malformed_envelope_is_a_decryption_error_not_a_crash(envelope):
    with pytest.raises(DecryptionError):
        decrypt(envelope, ring=RING_A)


def test_an_envelope_from_an_unknown_key_is_refused_naming_the_key_id():
    with pytest.raises(DecryptionError, match="'a'"):
        decrypt(encrypt("x", ring=RING_A), ring=RING_B)


def test_a_different_context_does_not_decrypt_so_envelopes_cannot_move_between_columns():
    envelope = encrypt("123456782", context="identity.person.national_id", ring=RING_A)
    with pytest.raises(DecryptionError):
        decrypt(envelope, context="identity.person.given_name", ring=RING_A)


def test_after_rotation_old_values_decrypt_and_reencrypt_moves_them_to_the_new_key():
    old = encrypt("123456782", context="c", ring=RING_A)
    assert crypto.key_id_of(old) == "a"
    assert decrypt(old, context="c", ring=RING_BA) == "123456782"

    moved = crypto.reencrypt(old, context="c", ring=RING_BA)
    assert crypto.key_id_of(moved) == "b"
    assert decrypt(moved, context="c", ring=RING_B) == "123456782"
    with pytest.raises(DecryptionError):
        decrypt(moved, context="c", ring=RING_A)


def test_reencrypt_leaves_a_value_already_under_the_active_key_alone():
    envelope = encrypt("x", ring=RING_BA)
    assert crypto.reencrypt(envelope, ring=RING_BA) == envelope


def test_reencrypt_refuses_a_tampered_envelope():
    envelope = encrypt("x", context="c", ring=RING_A)
    with pytest.raises(DecryptionError):
        crypto.reencrypt(envelope, context="other", ring=RING_BA)


def test_the_first_key_of_the_ring_encrypts():
    ring = parse_keyring(f" b:{KEY_B} , a:{KEY_A} ,")
    assert ring.active_kid == "b"
    assert set(ring.keys) == {"a", "b"}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "no key"),
        ("nokid", "kid:base64key"),
        ("a-b:" + KEY_A, "kid:base64key"),
        ("a:" + base64.b64encode(b"short").decode(), "32 bytes"),
        ("a:not base64!", "base64"),
        (f"a:{KEY_A},a:{KEY_B}", "twice"),
    ],
)
def test_a_bad_keyring_is_refused_at_start_up_with_a_reason(spec, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_keyring(spec)


def test_the_blind_index_is_stable_and_hides_the_value():
    first = blind_index("123456782", purpose="person.national_id")
    assert first == blind_index("123456782", purpose="person.national_id")
    assert len(first) == 64
    assert "123456782" not in first
    assert first != blind_index("123456783", purpose="person.national_id")


def test_the_blind_index_ignores_spaces_and_letter_case():
    assert blind_index(" ab 12 cd\t", purpose="p") == blind_index("AB12CD", purpose="p")


def test_blind_indexes_of_different_purposes_do_not_correlate():
    assert blind_index("123456782", purpose="person.national_id") != blind_index(
        "123456782", purpose="tax.number"
    )


def test_the_blind_index_depends_on_the_key(settings):
    before = blind_index("123456782", purpose="p")
    settings.GOVDOOR_BLIND_INDEX_KEY = _key()
    assert blind_index("123456782", purpose="p") != before


@hypothesis_settings(deadline=None)  # a loaded CI machine must not make these flaky
@given(st.text(max_size=60))
def test_the_blind_index_of_a_value_equals_that_of_its_normalised_form(value):
    normalised = "".join(value.split()).upper()
    assert blind_index(value, purpose="p") == blind_index(normalised, purpose="p")
