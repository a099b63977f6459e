from __future__ import annotations

import pytest

from config.settings import load_config


def test_defaults_work_on_a_laptop(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "SEARCH_BACKEND", "SECRET_KEY", "SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    cfg = load_config("development")
    assert cfg.DATABASE_URL.startswith("sqlite:///")
    assert cfg.SEARCH_BACKEND == "local"
    assert cfg.MAIL_PROVIDER == "console"
    assert cfg.SECRET_KEY


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@h/db")
    monkeypatch.setenv("SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("SMTP_PORT", "2525")
    monkeypatch.setenv("SMTP_TLS", "true")
    cfg = load_config("development")
    assert cfg.DATABASE_URL == "postgresql://x@h/db"
    assert (cfg.SMTP_HOST, cfg.SMTP_PORT, cfg.SMTP_TLS, cfg.MAIL_PROVIDER) == ("mail.example.org", 2525, True, "smtp")


def test_production_requires_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config("production")


def test_bad_integer_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PORT", "twenty-five")
    with pytest.raises(ValueError, match="SMTP_PORT"):
        load_config("development")


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(ValueError, match="INNOBRIDGE_ENV"):
        load_config("staging")
