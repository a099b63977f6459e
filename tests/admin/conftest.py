"""Admin fixtures: a small network (firm, researchers, a lab), problems with suggested matches, staff users,
and a real SMTP server (aiosmtpd) on loopback."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from matcher.models import Lab, Match, Organization, Problem, Researcher, User
from web.security import hash_password

PASSWORD = "correct horse battery"


@dataclass
class Inbox:
    """Collects what the SMTP server accepted."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content.replace(b"\r\n", b"\n"), policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtpd() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 at a free port."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], smtpd: tuple[Inbox, int]) -> dict[str, Any]:
    """Every admin test mails through the real loopback SMTP server."""
    return {**app_config, "MAIL_PROVIDER": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtpd[1],
            "SEMANTIC_ENABLED": False}


@pytest.fixture
def inbox(smtpd: tuple[Inbox, int]) -> Inbox:
    return smtpd[0]


@dataclass(frozen=True)
class World:
    coordinator_id: int
    admin_id: int
    sme_id: int
    researcher_user_id: int
    problem_id: str
    anonymous_problem_id: str
    match_ids: tuple[int, ...]  # on the public problem: researcher A, researcher B, the lab
    anonymous_match_id: int


def add_user(session: Any, email: str, role: str, **extra: Any) -> User:
    user = User(email=email, password_hash=hash_password(PASSWORD), role=role, display_name=email.split("@")[0],
                **extra)
    session.add(user)
    session.flush()
    return user


def build_world(runtime: Any) -> World:
    """Insert the fixture network through the models (the matcher is not needed to curate stored matches)."""
    posted = datetime.now(timezone.utc) - timedelta(days=10)
    with runtime.db.session() as session:
        firm = Organization(id="organization:firm", name="Acme Gears", name_key="acme gears", kind="firm",
                            region="Bavaria")
        uni = Organization(id="organization:uni", name="Tech University", name_key="tech university",
                           kind="university", region="Bavaria")
        session.add_all([firm, uni])
        session.flush()
        lab = Lab(id="lab:tribo", name="Tribology Lab", organization_id=uni.id)
        session.add(lab)
        session.flush()
        session.add_all([
            Researcher(id="researcher:a", name="Ada Lovelace", name_key="ada lovelace", email="ada@uni.example",
                       organization_id=uni.id),
            Researcher(id="researcher:b", name="Bob Builder", name_key="bob builder", email="bob@uni.example",
                       organization_id=uni.id, lab_id=lab.id),
        ])
        coordinator = add_user(session, "coord@innobridge.example", "coordinator")
        admin = add_user(session, "admin@innobridge.example", "admin")
        sme = add_user(session, "owner@acme.example", "sme", organization_id=firm.id)
        researcher_user = add_user(session, "ada-login@uni.example", "researcher", researcher_id="researcher:a")
        problem = Problem(id="problem:gears", title="Gear wear at high load",
                          text="Our gearboxes wear quickly under high load; we need better coatings.",
                          region="Bavaria", visibility="public", owner_user_id=sme.id, organization_id=firm.id,
                          status="new", created_at=posted)
        anonymous = Problem(id="problem:anon", title="Secret welding issue", text="Cracks appear after welding.",
                            region="Saxony", visibility="anonymous", owner_user_id=sme.id, status="new",
                            created_at=posted)
        session.add_all([problem, anonymous])
        session.flush()
        rows = [
            Match(problem_id=problem.id, entity_id="researcher:a", entity_kind="researcher", entity_name="Ada Lovelace",
                  rank=1, score=0.9, components={"lexical": 0.6, "semantic": 0.3}, capabilities=["Coatings"],
                  evidence=[{"text": "Wear-resistant coatings for gears", "source": "publication"}]),
            Match(problem_id=problem.id, entity_id="researcher:b", entity_kind="researcher", entity_name="Bob Builder",
                  rank=2, score=0.5, components={"lexical": 0.4, "semantic": 0.1}, capabilities=["Welding"]),
            Match(problem_id=problem.id, entity_id="lab:tribo", entity_kind="lab", entity_name="Tribology Lab",
                  rank=3, score=0.4, components={"lexical": 0.3, "semantic": 0.1}, capabilities=["Tribology"]),
            Match(problem_id=anonymous.id, entity_id="researcher:a", entity_kind="researcher",
                  entity_name="Ada Lovelace", rank=1, score=0.7, components={"lexical": 0.7}, capabilities=["Welding"]),
        ]
        session.add_all(rows)
        session.flush()
        return World(coordinator_id=coordinator.id, admin_id=admin.id, sme_id=sme.id,
                     researcher_user_id=researcher_user.id, problem_id=problem.id, anonymous_problem_id=anonymous.id,
                     match_ids=(rows[0].id, rows[1].id, rows[2].id), anonymous_match_id=rows[3].id)


@pytest.fixture
def world(runtime: Any) -> World:
    return build_world(runtime)


def login(client: Any, email: str) -> None:
    """Log in through the real login form (CSRF is off in these fixtures' app, see csrf tests for it on)."""
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def staff_client(app: Any, client: Any, world: World) -> Any:
    app.config["WTF_CSRF_ENABLED"] = False
    login(client, "coord@innobridge.example")
    return client
