from __future__ import annotations

import ast
import re
from pathlib import Path

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


def _settings_read_by_code() -> dict[str, str]:
    """KEY -> where: every `<...>settings|config.get("KEY")` and `<...>settings|config["KEY"]` in the code."""
    root = Path(__file__).resolve().parents[2]
    key = re.compile(r"^[A-Z][A-Z0-9_]+$")

    def mapping(node: ast.expr) -> bool:
        text = ast.unparse(node)
        return text.endswith(("settings", "config"))

    found: dict[str, str] = {}
    files = [root / "wsgi.py", *(p for d in ("matcher", "web", "indexers") for p in (root / d).rglob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = None
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and mapping(node.func.value) and node.args and isinstance(node.args[0], ast.Constant)):
                name = node.args[0].value
            elif isinstance(node, ast.Subscript) and mapping(node.value) and isinstance(node.slice, ast.Constant):
                name = node.slice.value
            if isinstance(name, str) and key.match(name):
                found.setdefault(name, f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_every_setting_the_code_reads_is_declared_in_settings_and_example_env() -> None:
    root = Path(__file__).resolve().parents[2]
    read = _settings_read_by_code()
    assert {"DATABASE_URL", "INDEX_WRITER_TIMEOUT", "SEARCH_RATE_LIMIT"} <= set(read)  # the scan sees reads
    declared = set(re.findall(r"self\.([A-Z][A-Z0-9_]+)\b", (root / "config" / "settings.py").read_text("utf-8")))
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (root / "config" / "example.env").read_text("utf-8"),
                                re.M))
    assert {k: w for k, w in read.items() if k not in declared} == {}, "read but not in config/settings.py"
    assert {k: w for k, w in read.items() if k not in documented} == {}, "read but not in config/example.env"
