"""The core must not depend on the web layer: data flows sources -> indexers -> matcher -> web."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_matcher_imports_neither_flask_nor_web_nor_indexers() -> None:
    # matcher/evaluate.py is an entry point that drives the whole pipeline (importers included).
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & {"flask", "web", "indexers", "flask_login", "flask_wtf"})
        for p in (ROOT / "matcher").rglob("*.py")
        if p.relative_to(ROOT).as_posix() != "matcher/evaluate.py"
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}


def test_indexers_do_not_import_web() -> None:
    offenders = [str(p) for p in (ROOT / "indexers").rglob("*.py") if {"web", "flask"} & _imports(p)]
    assert offenders == []
