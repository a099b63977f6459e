"""What an import stored, by kind: the titles or names the corpus tests compare with."""
from __future__ import annotations

from sqlalchemy import select

from matcher.models import Document, Equipment, ImportRun, InstituteProject, Organization, Problem


def stored_names(runtime, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Titles (documents, problems, projects) or names (firms, equipment) of the rows of one kind."""
    queries = {
        "publications": select(Document.title).where(Document.kind == "publication"),
        "awards": select(Document.title).where(Document.kind == "award"),
        "firms": select(Organization.name).where(Organization.kind == "firm"),
        "equipment": select(Equipment.name),
        "projects": select(InstituteProject.title),
        "problems": select(Problem.title),
    }
    with runtime.db.session() as session:
        return sorted(session.scalars(queries[kind]))


def last_run(runtime) -> ImportRun:  # type: ignore[no-untyped-def]
    with runtime.db.session() as session:
        run = session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
        session.expunge(run)
        return run
