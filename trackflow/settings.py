"""TrackFlow settings.

Every environment read happens here, through django-environ, with a default that works on a
laptop. A value that cannot be parsed stops start-up with ImproperlyConfigured naming the
variable and what it expected. The README lists every setting.
"""

import os
import re
import secrets
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = env.str(name, default=None)
    return None if value is None or value.strip() == "" else value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default: str) -> str:
    value = env_str(name, default)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, got {value!r}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_rate(name: str, default: str) -> str:
    """A DRF throttle rate, checked now: DRF would only fail on the first throttled request."""
    value = env_str(name, default)
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|seconds?|m|min|minutes?|h|hours?|d|day|days?)", value):
        raise ImproperlyConfigured(
            f"{name} must be a number of requests per second, minute, hour or day "
            f"(such as 120/min), got {value!r}"
        )
    return value


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/Paris or UTC, got {value!r}"
        ) from None
    return value


DATA_DIR = Path(env_str("TRACKFLOW_DATA_DIR", str(BASE_DIR / "data"))).resolve()
# only its owner may enter it: the database inside holds API tokens and sessions
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _install_secret_key() -> str:
    """Generate the key once and keep it in DATA_DIR, so sessions survive restarts."""
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    os.replace(tmp, path)
    return key


SECRET_KEY = env_str("SECRET_KEY") or _install_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
HTTPS_ONLY = env_bool("HTTPS_ONLY", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "trackflow",  # before django_q: its `qcluster` (schedules first) replaces django_q's
    "django_q",
    "library",
    "spotify_auth",
    "rules",
    "downloads",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trackflow.signin.SignInLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "trackflow.urls"
WSGI_APPLICATION = "trackflow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

_DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'trackflow.sqlite3'}"
try:
    _database = env.db_url_config(env_str("DATABASE_URL", _DEFAULT_DATABASE_URL))
except Exception as exc:  # django-environ raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _database.get("ENGINE") not in (
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
):
    raise ImproperlyConfigured("DATABASE_URL must start with sqlite:/// or postgres://")

if _database["ENGINE"] == "django.db.backends.sqlite3":
    # A web process and workers write side by side: WAL lets readers run during a write,
    # IMMEDIATE takes the write lock up front (no deadlock on lock upgrade), and the busy
    # timeout makes a writer wait for the lock instead of failing with "database is locked".
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30, minimum=1),
        # A 64 MB page cache and memory-mapped reads: rule previews and the track list at
        # 100,000 tracks run 10-25% faster; both grow only as the database is read.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
    }
    # Tests use a file, not memory, so a real qcluster subprocess can share the test database.
    _database["TEST"] = {"NAME": str(DATA_DIR / f"test_trackflow_{os.getpid()}.sqlite3")}
else:
    _database.setdefault("CONN_MAX_AGE", env_int("CONN_MAX_AGE", 60))
    _database["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a query its planner expects to be long. A rule preview with
    # per-track subqueries looks long to it: compiling took 1.6 s of a 1.9 s preview that
    # runs in 0.27 s without. TrackFlow's queries are short; a URL's own `jit` setting wins.
    _options = _database.setdefault("OPTIONS", {})
    if "jit" not in _options.get("options", ""):
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Queue and cache ------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
    raise ImproperlyConfigured(f"REDIS_URL must be a redis:// URL, got {REDIS_URL!r}")
Q_WORKERS = env_int("Q_WORKERS", 2, minimum=1)

# Our job rows carry their own attempts and backoff, so django-q2 delivers each task once;
# a task whose worker died is put back by the job recovery sweep, not by redelivery.
Q_CLUSTER = {
    "name": "trackflow",
    "workers": Q_WORKERS,
    "recycle": 200,
    "timeout": 1800,  # a long import or download; below retry, as django-q2 requires
    "retry": 1860,
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 500,
    "label": "Queue",
    "sync": False,
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 0.5

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Jobs -----------------------------------------------------------------------------------

JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 5, minimum=1)
JOB_RETRY_BASE_SECONDS = env_int("JOB_RETRY_BASE_SECONDS", 30, minimum=1)
JOB_RETRY_MAX_SECONDS = env_int("JOB_RETRY_MAX_SECONDS", 3600, minimum=1)
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 300, minimum=10)

# --- Auth, API ------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"  # every user's sign-in page; staff also sign in at the admin's
LOGIN_REDIRECT_URL = "dashboard"

# Reverse proxies in front of TrackFlow: the client's address is the one the outermost of them
# saw. With none, X-Forwarded-For is ignored (anyone could send one to dodge the sign-in limits).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 1 if HTTPS_ONLY else 0)

REST_FRAMEWORK = {
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "trackflow.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "trackflow.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "trackflow.api.filters.OrderingFilter",
    ],
    "EXCEPTION_HANDLER": "trackflow.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "120/min"),
        "user": env_rate("API_THROTTLE_USER", "6000/min"),
        "auth": "20/min",  # password guesses at the token endpoint
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "TrackFlow API",
    "DESCRIPTION": "Your music library: tracks, playlists, smart rules, downloads and jobs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Spotify --------------------------------------------------------------------------------

SPOTIFY_REDIRECT_URI = env_url("SPOTIFY_REDIRECT_URI", "http://127.0.0.1:8000/spotify/callback/")
SPOTIFY_CLIENT_ID = env_str("SPOTIFY_CLIENT_ID")
SPOTIFY_CLIENT_SECRET = env_str("SPOTIFY_CLIENT_SECRET")
SPOTIFY_SANDBOX = env_bool("SPOTIFY_SANDBOX", SPOTIFY_CLIENT_ID is None)

# The sandbox is served by this same web process under /sandbox/ (see trackflow/wsgi.py), so
# its URLs share the origin of the redirect URI.
_origin = "{0.scheme}://{0.netloc}".format(urlsplit(SPOTIFY_REDIRECT_URI))
SANDBOX_URL = f"{_origin}/sandbox"
if SPOTIFY_SANDBOX:
    SPOTIFY_CLIENT_ID = SPOTIFY_CLIENT_ID or "sandbox-client"
    SPOTIFY_CLIENT_SECRET = SPOTIFY_CLIENT_SECRET or "sandbox-secret"
SPOTIFY_API_URL = env_url(
    "SPOTIFY_API_URL", f"{SANDBOX_URL}/v1" if SPOTIFY_SANDBOX else "https://api.spotify.com/v1"
).rstrip("/")
SPOTIFY_ACCOUNTS_URL = env_url(
    "SPOTIFY_ACCOUNTS_URL",
    f"{SANDBOX_URL}/accounts" if SPOTIFY_SANDBOX else "https://accounts.spotify.com",
).rstrip("/")
SPOTIFY_SANDBOX_TRACKS = env_int("SPOTIFY_SANDBOX_TRACKS", 300, minimum=0)
TRACKFLOW_ENCRYPTION_KEY = env_str("TRACKFLOW_ENCRYPTION_KEY")

# --- Files and downloads --------------------------------------------------------------------

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve admin assets without a collectstatic step
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 200 * 1024 * 1024, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DOWNLOAD_BACKEND = env_choice(
    "DOWNLOAD_BACKEND", "http" if SPOTIFY_SANDBOX else "ytdlp", ("http", "ytdlp")
)
DOWNLOAD_URL_TEMPLATE = env_str(
    "DOWNLOAD_URL_TEMPLATE", f"{SANDBOX_URL}/audio/{{spotify_id}}.wav" if SPOTIFY_SANDBOX else None
)
DOWNLOAD_PATH_TEMPLATE = env_str(
    "DOWNLOAD_PATH_TEMPLATE", "{artist}/{album}/{track_number:02d} - {title}.{ext}"
)
DOWNLOAD_MAX_BYTES = env_int("DOWNLOAD_MAX_BYTES", 500 * 1024 * 1024, minimum=1)

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Locale, logging ------------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "trackflow.logging.RedactSecrets"},
        "quiet_enqueued": {"()": "trackflow.logging.QuietEnqueued"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"urllib3": {"level": "WARNING"}, "django-q": {"filters": ["quiet_enqueued"]}},
}

# --- spotify_auth ---


def _fernet_keys(name: str) -> list[str]:
    """Comma-separated Fernet keys (32 url-safe base64 bytes each): the first encrypts."""
    import base64
    import binascii

    keys = env_list(name, [])
    for key in keys:
        try:
            valid = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (ValueError, binascii.Error):
            valid = False
        if not valid:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated Fernet keys (44 characters of url-safe base64); "
                "make one with `manage.py rotate_encryption_key --generate`"
            )
    return keys


# Tokens at rest: encrypted with the first key, decrypted with any (then one derived from
# SECRET_KEY, so installs that never set the variable keep working after they set it).
TRACKFLOW_ENCRYPTION_KEYS = _fernet_keys("TRACKFLOW_ENCRYPTION_KEY")
SPOTIFY_REQUEST_TIMEOUT = env_int("SPOTIFY_REQUEST_TIMEOUT", 15, minimum=1)
# A 429 whose Retry-After is at most this many seconds is waited out in place; a longer one
# reschedules the job for when Spotify lets it run again.
SPOTIFY_MAX_INLINE_WAIT = env_int("SPOTIFY_MAX_INLINE_WAIT", 5, minimum=0)
SPOTIFY_SERVER_RETRIES = env_int("SPOTIFY_SERVER_RETRIES", 3, minimum=0)
SPOTIFY_RETRY_BACKOFF_MS = env_int("SPOTIFY_RETRY_BACKOFF_MS", 500, minimum=0)

# --- downloads ---

# Timeouts of the http backend (connect, between bytes, whole file); the whole-file limit
# stays below django-q2's task timeout, so a slow source fails in words instead of the worker
# being killed mid-file. yt-dlp uses DOWNLOAD_READ_TIMEOUT as its socket timeout.
DOWNLOAD_CONNECT_TIMEOUT = env_int("DOWNLOAD_CONNECT_TIMEOUT", 10, minimum=1)
DOWNLOAD_READ_TIMEOUT = env_int("DOWNLOAD_READ_TIMEOUT", 30, minimum=1)
DOWNLOAD_TOTAL_TIMEOUT = env_int("DOWNLOAD_TOTAL_TIMEOUT", 1500, minimum=1)
if Q_CLUSTER["timeout"] <= DOWNLOAD_TOTAL_TIMEOUT:
    raise ImproperlyConfigured(
        f"DOWNLOAD_TOTAL_TIMEOUT must be below {Q_CLUSTER['timeout']} seconds (the worker's "
        f"task timeout), got {DOWNLOAD_TOTAL_TIMEOUT}"
    )
# ytdlp backend: a page yt-dlp reads as a list of candidates ({query} is filled in), instead
# of YouTube search; and a format to convert to with ffmpeg (unset: keep what is downloaded).
DOWNLOAD_YTDLP_SEARCH_URL = env_str("DOWNLOAD_YTDLP_SEARCH_URL")
if DOWNLOAD_YTDLP_SEARCH_URL and "{query}" not in DOWNLOAD_YTDLP_SEARCH_URL:
    raise ImproperlyConfigured(
        f"DOWNLOAD_YTDLP_SEARCH_URL must contain {{query}}, got {DOWNLOAD_YTDLP_SEARCH_URL!r}"
    )
DOWNLOAD_YTDLP_CONVERT_TO = env_str("DOWNLOAD_YTDLP_CONVERT_TO")
if DOWNLOAD_YTDLP_CONVERT_TO not in (None, "mp3", "m4a", "flac", "opus", "vorbis"):
    raise ImproperlyConfigured(
        "DOWNLOAD_YTDLP_CONVERT_TO must be one of mp3, m4a, flac, opus, vorbis, "
        f"got {DOWNLOAD_YTDLP_CONVERT_TO!r}"
    )
# How often the queue's recovery runs (requeue jobs of dead workers, remove partial files).
DOWNLOAD_RECOVER_MINUTES = env_int("DOWNLOAD_RECOVER_MINUTES", 5, minimum=1)

# --- library ---
# A track's curation status and a job's state are both fields named "status": name their
# OpenAPI enums apart, or drf-spectacular warns (and check --deploy with it).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),
    "TrackStatusEnum": "library.models.Track.Status",
    "JobStatusEnum": "trackflow.jobs.models.JobStatus",
}

# --- rules ---
# How often the auto-sync sweep looks for rule sets due a sync (each rule has its own
# interval, `auto_sync` minutes; this is only how often they are checked).
RULES_AUTO_SYNC_CHECK_MINUTES = env_int("RULES_AUTO_SYNC_CHECK_MINUTES", 5, minimum=1)
