"""Queries live in matcher/repositories/: services and views call its functions instead of building SQL.

A call of SQLAlchemy's `select`, `update`, `delete`, `insert` or `text` (imported by name, or through the
`sqlalchemy` module) anywhere under matcher/services/ or web/ fails this test, so a new query cannot slip
in beside the code that uses it. The ORM unit of work (`session.get`, `session.add`, `session.delete` of a
loaded row) stays in services: it is no query language.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL_BUILDERS = frozenset({"select", "update", "delete", "insert", "text"})
CHECKED = ("matcher/services", "web")


def sql_calls(source: str) -> list[tuple[int, str]]:
    """(line, builder) of every SQLAlchemy statement builder called in `source`."""
    tree = ast.parse(source)
    by_name: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sqlalchemy":
            by_name.update({a.asname or a.name: a.name for a in node.names if a.name in SQL_BUILDERS})
        elif isinstance(node, ast.Import):
            modules.update(a.asname or a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy")
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in by_name:
            found.append((node.lineno, by_name[func.id]))
        elif (isinstance(func, ast.Attribute) and func.attr in SQL_BUILDERS and isinstance(func.value, ast.Name)
              and func.value.id in modules):
            found.append((node.lineno, func.attr))
    return sorted(found)


def _checked_files() -> list[Path]:
    return sorted(p for folder in CHECKED for p in (ROOT / folder).rglob("*.py"))


def test_the_check_sees_every_form_of_a_statement() -> None:
    source = ("from sqlalchemy import select, update as upd, func\nimport sqlalchemy as sa\n"
              "select(A)\nupd(A)\nsa.delete(A)\nsa.text('SELECT 1')\nfunc.count()\nsession.delete(row)\n"
              "runtime.search.delete(ids)\n")
    assert sql_calls(source) == [(3, "select"), (4, "update"), (5, "delete"), (6, "text")]


def test_services_and_web_build_no_sql() -> None:
    offenders = {}
    for path in _checked_files():
        calls = sql_calls(path.read_text(encoding="utf-8"))
        if calls:
            offenders[path.relative_to(ROOT).as_posix()] = [f"line {line}: {name}(" for line, name in calls]
    assert offenders == {}, "write the query in matcher/repositories/<aggregate>.py and call it"


def test_web_reads_vocabularies_and_accounts_through_the_core_api() -> None:
    """web/ takes value lists from matcher.types and accounts from matcher.services.accounts, never the models."""
    offenders = []
    for path in sorted((ROOT / "web").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("matcher.models"):
                offenders.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno}")
    assert offenders == []
