"""Production mode refuses to start without its secrets and turns on the transport security.

Run in child processes: settings are read once per process, and this process is in test mode.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets

import pytest

from govdoor.core.tests.subprocesses import child_env, run_python

REQUIRED = {
    "DJANGO_SECRET_KEY",
    "OIDC_RSA_PRIVATE_KEY_PEM",
    "GOVDOOR_FIELD_KEYS",
    "GOVDOOR_BLIND_INDEX_KEY",
    "CELERY_BROKER_URL",
}

REPORT = """
import json
import django
django.setup()
from django.conf import settings
from django.core import checks
issues = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
from django.test import Client
client = Client()
print(json.dumps({
    "debug": settings.DEBUG,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "relay_on_commit": settings.GOVDOOR_OUTBOX_RELAY_ON_COMMIT,
    "issues": sorted(i.id for i in issues if i.is_serious(checks.WARNING)),
    "http_status": {p: client.get(p).status_code for p in ["/healthz", "/metrics", "/"]},
    "redirect": client.get("/").get("Location"),
}))
"""


def _production_env(tmp_path, **values: str) -> dict[str, str]:
    env = child_env(
        GOVDOOR_MODE="production",
        GOVDOOR_VAR_DIR=str(tmp_path),  # a demo-secrets.json must not stand in for a secret
        ALLOWED_HOSTS="gov.example,testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        **values,
    )
    for name in [*REQUIRED, "DJANGO_DEBUG", "CELERY_TASK_ALWAYS_EAGER"]:
        if name not in values:
            env.pop(name, None)
    return env


def _missing_secrets(stderr: str) -> set[str]:
    match = re.search(r"missing secret\(s\) ([A-Z0-9_, ]+)\.", stderr)
    assert match, stderr[-2000:]
    return {name.strip() for name in match.group(1).split(",")}


def _a_value_for(name: str) -> str:
    key = base64.b64encode(os.urandom(32)).decode()
    if name == "CELERY_BROKER_URL":
        return "redis://127.0.0.1:6379/0"
    if name.endswith("_KEYS"):
        return f"k1:{key}"
    if name.endswith("_PEM"):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    if name == "DJANGO_SECRET_KEY":
        return secrets.token_urlsafe(64)
    return key


@pytest.fixture(scope="module")
def missing_without_secrets(tmp_path_factory) -> tuple[int, set[str], list[str]]:
    tmp = tmp_path_factory.mktemp("prod-none")
    result = run_python(["-c", "import django; django.setup()"], _production_env(tmp))
    return result.returncode, _missing_secrets(result.stderr), os.listdir(tmp)


def test_production_mode_without_secrets_refuses_to_start_naming_each_one(
    missing_without_secrets,
):
    returncode, missing, _ = missing_without_secrets
    assert returncode != 0
    assert missing >= REQUIRED


def test_production_mode_never_generates_demo_secrets(missing_without_secrets):
    _, _, files = missing_without_secrets
    assert "demo-secrets.json" not in files


def test_production_mode_with_one_secret_missing_names_only_that_one(
    missing_without_secrets, tmp_path
):
    _, missing, _ = missing_without_secrets
    given = {name: _a_value_for(name) for name in missing if name != "GOVDOOR_FIELD_KEYS"}
    result = run_python(["-c", "import django; django.setup()"], _production_env(tmp_path, **given))
    assert result.returncode != 0
    assert _missing_secrets(result.stderr) == {"GOVDOOR_FIELD_KEYS"}


def test_production_mode_with_its_secrets_starts_with_transport_security_on(
    missing_without_secrets, tmp_path
):
    _, missing, _ = missing_without_secrets
    given = {name: _a_value_for(name) for name in missing}
    result = run_python(["-c", REPORT], _production_env(tmp_path, **given))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["debug"] is False
    assert report["hsts"] >= 31536000
    assert report["hsts_subdomains"] is True
    assert report["ssl_redirect"] is True
    assert report["session_cookie_secure"] is True
    assert report["csrf_cookie_secure"] is True
    assert report["eager"] is False  # tasks go to the broker
    assert report["relay_on_commit"] is False  # the beat task relays
    # Plain HTTP goes to HTTPS, except the probes and metrics the platform calls inside.
    assert report["http_status"] == {"/healthz": 200, "/metrics": 200, "/": 301}
    assert report["redirect"] == "https://testserver/"
    # Django's deployment checks: only HSTS preload is left as an operator's choice.
    # (django-oauth-toolkit's RFC 9700 warnings are reported to the identity owners.)
    django_security = {i for i in report["issues"] if i.startswith("security.")}
    assert django_security <= {"security.W021"}, report["issues"]
