"""Reading the environment once, with demo defaults that never apply in production.

Why a module of its own: every secret is looked up through `secret()`, so the list of
missing secrets in production mode is complete and the process refuses to start naming
each one, instead of failing later on first use.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("GOVDOOR_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()
MODE = env.str("GOVDOOR_MODE", default="demo")
if MODE not in {"demo", "production", "test"}:
    raise ImproperlyConfigured(f"GOVDOOR_MODE must be demo, production or test, not {MODE!r}")
IS_PRODUCTION = MODE == "production"

_missing: list[str] = []


def _demo_secrets() -> dict[str, str]:
    """Secrets generated once per demo checkout, kept in var/ so a restart keeps sessions."""
    path = VAR_DIR / "demo-secrets.json"
    data: dict[str, str] = {}
    if path.exists():
        data = json.loads(path.read_text())
    return data


def _demo_secret(name: str) -> str:
    data = _demo_secrets()
    if name not in data:
        if name.endswith("_KEYS"):
            data[name] = "demo1:" + base64.b64encode(secrets.token_bytes(32)).decode()
        elif name.endswith("_PEM"):
            data[name] = _new_rsa_pem()
        else:
            data[name] = base64.b64encode(secrets.token_bytes(32)).decode()
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path = VAR_DIR / "demo-secrets.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2))
        tmp.replace(path)
    return data[name]


def _new_rsa_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def secret(name: str) -> str:
    """A secret from the environment; generated for the demo, required in production."""
    value = os.environ.get(name)
    if value:
        return value
    if IS_PRODUCTION:
        _missing.append(name)
        return ""
    return _demo_secret(name)


def refuse_missing_secrets() -> None:
    if _missing:
        raise ImproperlyConfigured(
            "govdoor refuses to start in production mode: missing secret(s) "
            + ", ".join(sorted(set(_missing)))
            + ". Set them in the environment."
        )
