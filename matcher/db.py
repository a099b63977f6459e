"""Engine and session factory for the SQL store, the source of truth.

The core owns its database handle (no Flask-SQLAlchemy) so that the CLI, the
evaluator and the web app share one way to open a session.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, echo: bool = False, lock_timeout: float = 30) -> Engine:
    """Create an engine; SQLite gets WAL and foreign keys so it behaves like the production database.

    `lock_timeout` (seconds) bounds how long a statement waits for another writer's lock on either
    database; past it the statement fails (OperationalError) instead of hanging a request.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": lock_timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    options = f"-c lock_timeout={int(lock_timeout * 1000)}" if url.startswith("postgresql") else None
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args={"options": options} if options else {})


class Database:
    """One engine plus a session factory; `session()` is the unit of work."""

    def __init__(self, url: str, echo: bool = False, lock_timeout: float = 30) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo, lock_timeout=lock_timeout)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        """Run SELECT 1: raises when the database does not answer (health checks, check-settings)."""
        with self.session() as session:
            session.execute(text("SELECT 1"))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()
