"""govdoor settings: every value comes from the environment, read here and only here.

Embedded default (GOVDOOR_MODE=demo): SQLite in var/, Celery tasks run in process, secrets
generated into var/demo-secrets.json. Production (GOVDOOR_MODE=production): PostgreSQL,
Celery on RabbitMQ/Redis, and every secret must be set or the process refuses to start.
"""

from __future__ import annotations

import os

from django.utils.translation import gettext_lazy as _

from govdoor.conf.env import (
    BASE_DIR,
    IS_PRODUCTION,
    MODE,
    VAR_DIR,
    env,
    refuse_missing_secrets,
    secret,
)

GOVDOOR_MODE = MODE
DEBUG = env.bool("DJANGO_DEBUG", default=MODE == "demo")
SECRET_KEY = secret("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
GOVDOOR_BASE_URL = env.str("GOVDOOR_BASE_URL", default="http://127.0.0.1:8000")
GOVDOOR_COUNTRY_NAME = env.str("GOVDOOR_COUNTRY_NAME", default="Republic of Demoland")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "oauth2_provider",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "pgtrigger",
    "mozilla_django_oidc",
    "govdoor.core",
    "govdoor.organisations",
    "govdoor.identity",
    "govdoor.registries",
    "govdoor.ledger",
    "govdoor.messaging",
    "govdoor.exchange",
    "govdoor.catalogue",
    "govdoor.documents",
    "govdoor.letters",
    "govdoor.applications",
    "govdoor.cases",
    "govdoor.rules",
    "govdoor.portal",
    "govdoor.backoffice",
    "govdoor.demo",
]

MIDDLEWARE = [
    "govdoor.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "govdoor.core.csp.CSPMiddleware",
    "govdoor.identity.middleware.ActingForMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govdoor.urls"
WSGI_APPLICATION = "govdoor.wsgi.application"
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:sign-in"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govdoor.portal.context.govdoor",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'govdoor.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file per test run (subprocess tests share it); xdist workers add their own suffix.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("GOVDOOR_TEST_DB", default=str(VAR_DIR / f"test-{os.getpid()}.sqlite3"))
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    # Why server-side binding with prepared statements: the hot statements (the bearer-token
    # lookup, a data request's reads and ledger insert) are otherwise parsed and planned by
    # PostgreSQL on every call, which cost it twice the CPU of running them (measured: 1.0
    # against 0.5 ms of database CPU per data request). Behind a pooler that cannot keep
    # prepared statements (PgBouncer in transaction mode before 1.21), set
    # DB_PREPARED_STATEMENTS=0.
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {
                "server_side_binding": True,
                "prepare_threshold": env.int("DB_PREPARE_THRESHOLD", default=5),
            }
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://govdoor")}

# --- Auth ---------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "govdoor.identity.oidc_client.NationalIdPBackend",
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if MODE == "test"
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "govdoor.identity.staff_auth.lockout_response"
AXES_VERBOSE = False

# Identity providers for citizens (plugin ids in govdoor.identity.providers).
GOVDOOR_IDENTITY_PROVIDERS = env.list(
    "GOVDOOR_IDENTITY_PROVIDERS", default=["demo"] if not IS_PRODUCTION else ["national"]
)
# A national IdP over OpenID Connect (mozilla-django-oidc), configured only by environment.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile")
OIDC_USE_PKCE = True
OIDC_NATIONAL_ID_CLAIM = env.str("OIDC_NATIONAL_ID_CLAIM", default="national_id")
OIDC_LOA_CLAIM = env.str("OIDC_LOA_CLAIM", default="acr")
LOGIN_REDIRECT_URL = "/my/"
LOGOUT_REDIRECT_URL = "/"

# govdoor as an OpenID Connect provider for agency applications (django-oauth-toolkit).
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": secret("OIDC_RSA_PRIVATE_KEY_PEM"),
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": _("Sign you in"),
        "profile": _("Your name and preferred language"),
        "loa": _("The level of assurance of your sign-in"),
        "registers:read": _("Read base registers (agency systems)"),
        "registers:write": _("Write base registers (agency systems)"),
        "exchange": _("Ask other agencies for data for a declared purpose"),
        "messaging": _("Send messages to people"),
        "forms": _("Define and publish forms of your services (agency systems)"),
        "cases": _("Handle your organisation's cases (agency systems)"),
        "documents:read": _("Read documents shared with your organisation for a case"),
        "applications": _("Submit and handle applications (GovStack Registration API)"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
    "OAUTH2_VALIDATOR_CLASS": "govdoor.identity.oidc_provider.GovdoorOAuth2Validator",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if IS_PRODUCTION else ["http", "https"],
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"

# --- Crypto -------------------------------------------------------------------------------
# "kid:base64(32 bytes)" comma separated; the first is used for new encryptions.
GOVDOOR_FIELD_KEYS = secret("GOVDOOR_FIELD_KEYS")
GOVDOOR_BLIND_INDEX_KEY = secret("GOVDOOR_BLIND_INDEX_KEY")
# Data-use ledger checkpoints: Ed25519 seed (base64, 32 bytes); the key name is also the origin.
GOVDOOR_LEDGER_SIGNING_KEY = secret("GOVDOOR_LEDGER_SIGNING_KEY")
GOVDOOR_LEDGER_KEY_NAME = env.str("GOVDOOR_LEDGER_KEY_NAME", default="govdoor.example/ledger")

# --- Messaging (channels, signing, authenticity checker) ----------------------------------
GOVDOOR_MESSAGE_SIGNING_KEY = secret("GOVDOOR_MESSAGE_SIGNING_KEY")  # Ed25519 seed, base64
GOVDOOR_SMTP_URL = env.str("GOVDOOR_SMTP_URL", default="smtp://127.0.0.1:8025")
GOVDOOR_MAIL_FROM = env.str("GOVDOOR_MAIL_FROM", default="govdoor <no-reply@govdoor.example>")
GOVDOOR_SMS_CHANNEL = env.str("GOVDOOR_SMS_CHANNEL", default="sms-demo")  # or "sms-http"
GOVDOOR_SMS_HTTP_URL = env.str("GOVDOOR_SMS_HTTP_URL", default="")
GOVDOOR_SMS_HTTP_TOKEN = env.str("GOVDOOR_SMS_HTTP_TOKEN", default="")
GOVDOOR_VAPID_PRIVATE_KEY = secret("GOVDOOR_VAPID_PRIVATE_KEY")  # 32 random bytes, base64
GOVDOOR_VAPID_SUBJECT = env.str("GOVDOOR_VAPID_SUBJECT", default="mailto:ops@govdoor.example")
GOVDOOR_NOTIFICATION_MAX_ATTEMPTS = env.int("GOVDOOR_NOTIFICATION_MAX_ATTEMPTS", default=6)
GOVDOOR_MESSAGING_API_RATE = env.str("GOVDOOR_MESSAGING_API_RATE", default="600/min")
GOVDOOR_CHECKER_RATE = env.str("GOVDOOR_CHECKER_RATE", default="20/min")
GOVDOOR_CHECKER_MIN_SECONDS = env.float(
    "GOVDOOR_CHECKER_MIN_SECONDS", default=0.0 if MODE == "test" else 0.2
)

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "govdoor.identity.api_auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "govdoor.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "govdoor.core.errors.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "1200/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govdoor API",
    "DESCRIPTION": "One door to government: the API for agency systems and the portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "MandateKindEnum": "govdoor.identity.models.Mandate.Kind",
        "AreaKindEnum": "govdoor.organisations.models.Area.Kind",
        "ServiceStatusEnum": "govdoor.catalogue.models.Service.Status",
        "LevelEnum": "govdoor.organisations.models.Organisation.Level",
        "CaseStatusEnum": "govdoor.cases.models.CaseStatus",
        "CaseOutcomeEnum": "govdoor.cases.models.Outcome",
        "CaseDecisionOutcomeEnum": "govdoor.cases.api.serializers.DECISION_OUTCOMES",
        "CaseQueueStatusEnum": "govdoor.cases.api.serializers.FILTER_STATUSES",
    },
}

# --- Tasks --------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://" if not IS_PRODUCTION else "")
if IS_PRODUCTION and not CELERY_BROKER_URL:
    from govdoor.conf import env as _env_module

    _env_module._missing.append("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not IS_PRODUCTION)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "core.outbox_relay", "schedule": 2.0},
    "ledger-sequence": {"task": "ledger.sequence", "schedule": 1.0},
    "messaging-sweep": {"task": "messaging.notifications_sweep", "schedule": 30.0},
    "messaging-reminders": {"task": "messaging.reminders_due", "schedule": 900.0},
    "messaging-purge": {"task": "messaging.messages_purge", "schedule": 86400.0},
    "exchange-deliveries": {"task": "exchange.deliveries_due", "schedule": 5.0},
    "documents-purge": {"task": "documents.purge", "schedule": 86400.0},
    "messaging-register-deadlines": {
        "task": "messaging.register_deadlines_scan",
        "schedule": 86400.0,
    },
    "registries-purge": {"task": "registries.records_purge", "schedule": 86400.0},
    "cases-escalate": {"task": "cases.escalate", "schedule": 900.0},
    "rules-proactive-scans": {"task": "rules.scans_start_all", "schedule": 86400.0},
}
# Events relayed straight after commit in the embedded mode (no beat running there).
GOVDOOR_OUTBOX_RELAY_ON_COMMIT = env.bool(
    "GOVDOOR_OUTBOX_RELAY_ON_COMMIT", default=not IS_PRODUCTION
)

# --- i18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "src" / "govdoor" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security headers ---------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "http:", "https:"],
        "base-uri": ["'self'"],
    }
}

# --- Logging: JSON lines, no personal data ------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "govdoor.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # one INFO line per rendering step otherwise
        "fontTools": {"level": "WARNING"},
    },
}

refuse_missing_secrets()
