"""Settings for Moisinno, read from the environment (twelve-factor).

Every variable is listed in `.env.example` and explained in `docs/configuration.md`.
Development needs no configuration at all; production refuses the development secret key.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from moisinno.storage import media_settings

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "django-insecure-moisinno-development-only"  # noqa: S105 - refused below


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY and not env_bool("MOISINNO_ALLOW_DEV_KEY"):
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key: set SECRET_KEY in the environment "
        "(or DEBUG=true for local development)."
    )
# An empty key only fails when something signs (a session, a form): the site would serve its
# pages and break at the first login. Production stops at start-up instead.
if not DEBUG and not SECRET_KEY.strip():
    raise ImproperlyConfigured(
        "SECRET_KEY is empty: set SECRET_KEY in the environment (or DEBUG=true for local "
        "development)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    # dsfr before django.forms: its widget and error-list templates (DSFR radio and checkbox
    # markup) must win over Django's own when forms render with TemplatesSetting.
    "dsfr",
    "django.forms",
    "django_filters",
    "widget_tweaks",
    "allauth",
    "allauth.account",
    # Two-factor authentication (TOTP and recovery codes), offered to everyone, required of
    # superusers with STAFF_REQUIRE_2FA (see « Staff accounts » below).
    "allauth.mfa",
    # Third-party accounts: only ProConnect (moisinno/proconnect/), when configured.
    "allauth.socialaccount",
    "moisinno.proconnect",
    "django_tasks_db",
    "moisinno",
    "organizers",
    "labs",
    "events",
    "programme",
    "organizer_space",
    # Open data: the read-only API (programme/api/), its OpenAPI document, CORS for GET.
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    # E-mail alerts on a programme selection (visitors, no account).
    "alerts",
    # On-platform registration to sessions: seats, waiting list, reminders, check-in.
    "registrations",
    # The month's results: attendance declared, satisfaction, the edition's bilan.
    "results",
]
# The synthetic programme (`generate_programme`, `load_demo_data`): development and the
# benchmark (bench/) only, never imported by the site.
if DEBUG or env_bool("DEMO_APP"):
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Anonymous public pages from the shared cache, before any session is opened.
    "moisinno.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "moisinno.urls"
WSGI_APPLICATION = "moisinno.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "moisinno.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "moisinno.form_renderer.FormRenderer"
# The admin's fieldset and tabular inline written in Python where the event's change page uses
# them (moisinno/admin_rendering.py); off, Django's templates (the reference of the tests).
ADMIN_TEMPLATES_IN_PYTHON = True

# A connection pooler between the app and PostgreSQL: empty (none, or PgBouncer in session
# mode) or `transaction` (PgBouncer's transaction pooling).
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "").strip().lower()
if DATABASE_POOLER not in ("", "transaction"):
    raise ImproperlyConfigured(
        f"DATABASE_POOLER={DATABASE_POOLER!r} is not understood: leave it empty, or set "
        "`transaction` behind PgBouncer in transaction mode."
    )
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if DATABASE_POOLER == "transaction":
        # PgBouncer in transaction mode: each transaction may run on another server
        # connection, so nothing may outlive one. No server-side prepared statements (psycopg
        # prepares a query run more than 5 times; Django's default is off, said here so that it
        # stays off), no server-side cursors (`.iterator()` would DECLARE on one connection and
        # FETCH on another), and no startup `options` (PgBouncer refuses the connection):
        # random_page_cost is then the database's own (docs/configuration.md).
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        # The planner's cost of a random read: 1.1 for data in memory or on SSDs (the default,
        # 4, is for spinning disks). With 4, a text search scanned every event rather than use
        # its GIN index: the typo search's list took 18 ms instead of 8 on 10,000 events.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c random_page_cost={os.environ.get('PG_RANDOM_PAGE_COST', '1.1')}"
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Project-level reference and demo data: `manage.py loaddata reference demo_2022`.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The cache: rate limits (allauth's, the API's, the alerts') and the shared page cache
# (`moisinno/pagecache.py`). Redis when CACHE_URL (or REDIS_URL) names one: required as soon as
# more than one process serves the site. Local memory otherwise (`make run`, one process).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")


def _cache(prefix: str) -> dict:
    if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        return {
            # Django's Redis cache, sharing its Redis client between calls (moisinno/cache.py).
            "BACKEND": "moisinno.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": prefix,
        }
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": prefix,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }


CACHES = {"default": _cache(""), "pages": _cache("pages")}

# The shared page cache of anonymous public pages (docs/architecture.md, « Page cache »).
PAGE_CACHE_ALIAS = "pages"
# Off only to measure what a miss costs (bench/) or to rule the cache out while investigating.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", default=True)
# Only a bound on memory: freshness comes from the public-content version in every key.
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "3600"))
PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_BYTES", str(16 * 1024 * 1024)))
# What browsers and a CDN may keep: a short max-age, then revalidate in the background.
PAGE_CACHE_BROWSER_MAX_AGE = int(os.environ.get("PAGE_CACHE_BROWSER_MAX_AGE", "60"))
PAGE_CACHE_STALE_WHILE_REVALIDATE = 300
# With Redis, how long a page that lists events may still be served after an event it lists
# changed (seconds): under a stream of edits each list is rendered at most once in that delay.
# An event's own page shows its changes on the next request whatever this says.
PAGE_CACHE_LIST_DELAY = int(os.environ.get("PAGE_CACHE_LIST_DELAY", "30"))
# How long the request rendering an out-of-date page again holds its claim (seconds): the
# others get the previous copy meanwhile (single flight).
PAGE_CACHE_RENDER_LOCK = 5
# With Redis, a list out of date only because what it lists changed is rendered again in a
# thread of the worker, not in the request that claims it: that request and those queued behind
# it get the last copy at once. `false`: rendered in the claiming request.
PAGE_CACHE_BACKGROUND_RENDER = env_bool("PAGE_CACHE_BACKGROUND_RENDER", default=True)
# How far apart the clocks of two web nodes may be (seconds): a page whose render began less
# than this after a change is rendered again.
PAGE_CACHE_CLOCK_SKEW = 0.5
# A request carrying one of these cookies is rendered for its visitor alone: the session
# (logged in, or a message to show) and « Mon programme » (programme.starred.COOKIE_NAME).
PAGE_CACHE_BYPASS_COOKIES = ("sessionid", "mon_programme")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Permissions in one query (moisinno/auth_backends.py); signs nobody in.
    "moisinno.auth_backends.PermissionsBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic writes (the image's build step); the benchmark collects elsewhere, since
# whitenoise indexes this folder at every start, the test client's included.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (events' images, events/images.py; resources; printed programmes) go through
# Django's storage API: the file system under MEDIA_ROOT by default (development, tests, a
# single server; served by Django at MEDIA_URL, see moisinno/urls.py), an S3-compatible object
# storage when S3_BUCKET is set. moisinno/storage.py builds both from the environment.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "media")
_media = media_settings(os.environ)
# Django serves MEDIA_ROOT itself (also with DEBUG off) unless the files are elsewhere.
SERVE_MEDIA = _media.serve_media
#: Where the browser loads the files from when they are not on this site (CSP img-src).
MEDIA_ORIGINS = _media.origins


def _origin(url: str) -> str:
    """https://s3.example.org/bucket → https://s3.example.org (a CSP source)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


STORAGES = {
    "default": _media.storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("MOISINNO_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Whitenoise's manifest storage renames files, so DSFR's own integrity hashes would not match.
DSFR_USE_INTEGRITY_CHECKSUMS = False

SITE_ID = 1

# Email: a file backend in development, SMTP in production (EMAIL_BACKEND=smtp).
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Mois de l'innovation publique <ne-pas-repondre@modernisation.gouv.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_backend = os.environ.get("EMAIL_BACKEND", "file")
if _email_backend == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
            },
        }
    }
elif _email_backend == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {
                "file_path": os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
            },
        }
    }

# Durable background work (emails): Django's tasks framework on the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# On-platform registration (the registrations app). A registrant's personal data is erased this
# many days after their last session, and every sent e-mail (it holds its recipients' addresses)
# this many days after it was written: `manage.py purge_registrations`, run nightly.
_retention = os.environ.get("REGISTRATION_RETENTION_DAYS", "").strip() or "90"
if not _retention.isdigit() or int(_retention) < 1:
    raise ImproperlyConfigured("REGISTRATION_RETENTION_DAYS must be a number of days, 1 or more.")
REGISTRATION_RETENTION_DAYS = int(_retention)

# Accounts (django-allauth): login by email, mandatory verification.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/espace-organisateur/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mois de l'innovation publique] "
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
# Email change replaces the single address, after verification of the new one.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Tell the user when their password or email address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Account emails go through the durable outbox, like every other email.
ACCOUNT_ADAPTER = "moisinno.account_adapter.AccountAdapter"
# allauth's rate limits stay on (login failures, sign-ups, password resets, …): see « Rate
# limits » below. They count in the cache (CACHE_URL).
# Every per-IP limit (allauth's, the API's, the alerts') reads the client's address as allauth
# does: behind N reverse proxies that append to X-Forwarded-For, the N-th address from the end.
# 0 (the default, no proxy) reads REMOTE_ADDR; behind a proxy, leaving it at 0 would count every
# visitor as the proxy's single address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- ProConnect, the agents' sign-in (docs/configuration.md § ProConnect) ---------------------
# Off, and nothing of it shown, unless the three are set. The server URL is the base before
# /.well-known/openid-configuration, e.g. https://fca.integ01.dev-agentconnect.fr/api/v2
PROCONNECT_SERVER_URL = os.environ.get("PROCONNECT_SERVER_URL", "").strip().rstrip("/")
PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID", "").strip()
PROCONNECT_CLIENT_SECRET = os.environ.get("PROCONNECT_CLIENT_SECRET", "").strip()
# Seconds allowed to each request to ProConnect (discovery, keys, token, userinfo).
PROCONNECT_TIMEOUT = float(os.environ.get("PROCONNECT_TIMEOUT", "10"))
SOCIALACCOUNT_ADAPTER = "moisinno.proconnect.adapter.SocialAccountAdapter"
# Access tokens live 60 seconds and serve once: never kept.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_AUTO_SIGNUP = True
# An existing account with the same address is linked only after proof
# (moisinno.proconnect.linking).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = PROCONNECT_TIMEOUT

# The « API Recherche d'entreprises » (organizers/directory.py): prefills an organisation from
# an agent's SIRET. Empty: no lookup, the organiser fills the form in.
RECHERCHE_ENTREPRISES_URL = os.environ.get(
    "RECHERCHE_ENTREPRISES_URL", "https://recherche-entreprises.api.gouv.fr"
).rstrip("/")
RECHERCHE_ENTREPRISES_TIMEOUT = float(os.environ.get("RECHERCHE_ENTREPRISES_TIMEOUT", "5"))

# Maps (docs/configuration.md § Maps). Addresses are geocoded by the task worker with the
# national address service (moisinno/geocoding.py); a weaker match than GEOCODER_MIN_SCORE falls
# back on the commune's or the department's centre, marked approximate.
GEOCODER_URL = os.environ.get("GEOCODER_URL", "https://data.geopf.fr/geocodage/search")
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "5"))
GEOCODER_ATTEMPTS = int(os.environ.get("GEOCODER_ATTEMPTS", "3"))
GEOCODER_BACKOFF = float(os.environ.get("GEOCODER_BACKOFF", "1"))  # seconds, doubled each retry
GEOCODER_MIN_SCORE = float(os.environ.get("GEOCODER_MIN_SCORE", "0.5"))
# The map tiles: IGN's Plan IGN v2 (Géoplateforme WMTS) by default; any {z}/{x}/{y} URL works,
# e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png with its attribution.
MAP_TILES_URL = os.environ.get(
    "MAP_TILES_URL",
    "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&FORMAT=image/png"
    "&TILEMATRIXSET=PM&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
)
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "© IGN – Plan IGN")


# Security. The CSP forbids inline scripts and styles; images may come from the tile server.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *MEDIA_ORIGINS, *filter(None, [_origin(MAP_TILES_URL)])],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    # A form may send the browser on to ProConnect: the sign-in button and the logout.
    "form-action": ["'self'", *filter(None, [_origin(PROCONNECT_SERVER_URL)])],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
# Database sessions that tell an outage from a deleted session (moisinno/sessions.py).
SESSION_ENGINE = "moisinno.sessions"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = []

# --- Security headers (docs/configuration.md § Security) ------------------------------------
# Django sends Cross-Origin-Opener-Policy: same-origin by default; said here to be explicit.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Permissions-Policy (moisinno/security.py): no page uses any of these browser features.
# Only features Chromium knows: it logs an error for an unknown one (tests/e2e checks none).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "sync-xhr": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
# Next to SecurityMiddleware, outside the page cache: cached pages carry it too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "moisinno.security.PermissionsPolicyMiddleware",
)

# --- Staff accounts: allauth's login for the admin, two-factor authentication ---------------
# `/admin/login/` sends to allauth's login (moisinno/urls.py), so staff get its rate limits
# and its second step. TOTP (an authenticator app) and recovery codes; no WebAuthn.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mois de l'innovation publique"
# The code of the previous 30-second step is still accepted (RFC 6238 § 5.2 allows one step of
# transmission delay): a code typed as the phone rolls over is not refused. Never reusable.
MFA_TOTP_TOLERANCE = 1
# On: a superuser without TOTP cannot reach the admin and is sent to set it up.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", default=False)
MIDDLEWARE.append("moisinno.security.StaffTwoFactorMiddleware")

# --- Rate limits (docs/configuration.md § Rate limits) --------------------------------------
# Every limit counts in the default cache: Redis (CACHE_URL) as soon as more than one worker
# runs, which `check --deploy` enforces (moisinno/checks.py, from WEB_CONCURRENCY).
# allauth's defaults, except: a password reset e-mails one address at most 3 times in
# 15 minutes, and one IP address signs up at most 5 accounts a minute and 20 an hour (a
# ministry's shared proxy stays usable). Login failures: allauth's 5 per 5 minutes per
# address, 10 a minute per IP; the 6th attempt is refused, right password or not.
ACCOUNT_RATE_LIMITS = {
    "reset_password": os.environ.get("RATE_LIMIT_PASSWORD_RESET", "20/m/ip,3/15m/key"),
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "5/m/ip,20/h/ip"),
    "login_failed": os.environ.get("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
}
# The organiser space (events/limits.py): drafts created (duplicates included) and events
# submitted, per account and per organisation; DITP moderators are not limited.
EVENT_CREATE_RATE_LIMIT = os.environ.get("EVENT_CREATE_RATE_LIMIT", "20/h/user,50/h/organization")
EVENT_SUBMIT_RATE_LIMIT = os.environ.get("EVENT_SUBMIT_RATE_LIMIT", "20/h/user,50/h/organization")
# Importing events (events/imports/, moisinno/fetching.py): the largest file or fetched
# document, the time allowed to fetch a URL, the most VEVENTs a calendar may hold.
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_FETCH_TIMEOUT = float(os.environ.get("IMPORT_FETCH_TIMEOUT", "10"))
IMPORT_MAX_EVENTS = 200
# Private addresses a URL import may reach anyway: for the tests' local HTTP server only, never
# set in production (fetching refuses private, loopback, link-local and reserved addresses).
IMPORT_ALLOWED_PRIVATE_HOSTS: list[str] = []

# Open data (programme/api/): anyone may read the API from another site, GET only, no cookies.
# The API and every feed or export of the programme may be read from other sites' pages.
CORS_URLS_REGEX = (
    r"^/(api/v1/|programme\.|flux\.atom|editions/\d+/(programme\.|flux\.atom)"
    r"|donnees/|chiffres\.)"
)
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
# The read-only API (programme/api/): no authentication (so no session, no cookie, no CSRF),
# JSON only, French errors, page pagination, a per-IP limit counted in the shared cache.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "programme.api.conventions.Pagination",
    "EXCEPTION_HANDLER": "programme.api.conventions.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # `format` is a filter of the programme (?format=atelier), not a renderer's name.
    "URL_FORMAT_OVERRIDE": None,
}
# Requests per minute and per IP address on the API.
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "120"))
SPECTACULAR_SETTINGS = {
    "TITLE": "API du Mois de l’innovation publique",
    "DESCRIPTION": (
        "Le programme du Mois de l’innovation publique en lecture seule : événements, séances, "
        "laboratoires, organisations, éditions, formats et thématiques. Données publiques sous "
        "Licence Ouverte 2.0. Présentation en français : /api/."
    ),
    "VERSION": "1.0.0",
    "LICENSE": {
        "name": "Licence Ouverte / Open Licence version 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# --- Error pages and observability (docs/configuration.md, « Erreurs et journaux ») ----------
# The request id: read from a valid incoming X-Request-ID (a proxy's), else a new one; sent back
# in X-Request-ID, on every log line and on the 500 page. First, so that every line has it.
INSTALLED_APPS.append("django_guid")
MIDDLEWARE.insert(0, "django_guid.middleware.guid_middleware")
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": True,
}
# The CSRF failure page in French (moisinno/views.py; the other error pages are handlers).
CSRF_FAILURE_VIEW = "moisinno.views.csrf_failure"

# Logs go to standard error: one JSON object a line in production (LOG_FORMAT=json, the
# default when DEBUG is off), readable text in development. Django's own loggers propagate to
# the one handler, so every unhandled error leaves its traceback, whatever DEBUG says.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "json": {"()": "moisinno.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's defaults print only with DEBUG on (console) or mail ADMINS: replaced.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django_guid": {"level": "WARNING"},
        # WeasyPrint (programme/paper) logs each step of each document.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Error reporting to Sentry (or a compatible service), only when SENTRY_DSN is set.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    from moisinno.logs import sentry_before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        # No visitor's or organiser's personal data (addresses, cookies) leaves the service.
        send_default_pii=False,
        # The request id as a tag: a visitor quoting it from the 500 page finds the event.
        before_send=sentry_before_send,
    )
# --- end of error pages and observability ---------------------------------------------------
