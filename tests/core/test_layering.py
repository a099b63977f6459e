"""The one-way flow sources -> indexers -> matcher -> web (and evaluation beside web), and the core's layers.

The core never imports Flask, Werkzeug, the web layer or the importers; the ranking scores what it is
given and never reads the store; importers fill the store and the index and drive no service.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = {"flask", "web", "flask_login", "flask_wtf", "werkzeug"}
STORE = {"matcher.db", "matcher.models", "matcher.repositories", "matcher.runtime", "matcher.services"}


def _modules(path: Path) -> set[str]:
    """Every module the file imports, dotted in full (`from a.b import c` gives a.b and a.b.c)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _below(module: str, packages: set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _offenders(folder: str, forbidden: set[str]) -> dict[str, list[str]]:
    """Files under `folder` importing a forbidden module or anything below one."""
    out = {}
    for path in (ROOT / folder).rglob("*.py"):
        bad = sorted(m for m in _modules(path) if _below(m, forbidden))
        if bad:
            out[path.relative_to(ROOT).as_posix()] = bad
    return out


def test_the_core_imports_neither_the_web_nor_the_importers_nor_the_evaluation() -> None:
    assert _offenders("matcher", WEB | {"indexers", "evaluation"}) == {}


def test_importers_do_not_import_the_evaluation() -> None:
    assert _offenders("indexers", {"evaluation"}) == {}


def test_the_ranking_scores_what_it_is_given_without_the_store() -> None:
    assert _offenders("matcher/ranking", STORE) == {}


def test_importers_do_not_import_the_web_nor_drive_services() -> None:
    assert _offenders("indexers", WEB | {"matcher.services"}) == {}


def test_the_check_finds_what_it_forbids(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import werkzeug.security\nfrom matcher.services import digests\n", encoding="utf-8")
    assert _modules(sample) >= {"werkzeug.security", "matcher.services", "matcher.services.digests"}
