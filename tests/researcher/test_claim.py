"""Claiming a profile through a signed, expiring link mailed (over real SMTP) to the address on file."""
from __future__ import annotations

import re
import time
from typing import Any

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from matcher.models import Researcher, User
from tests.factories import add_user
from tests.factories.digests import seed_world
from tests.mail.smtpd import SmtpServer


def _claim_link(smtp_server: SmtpServer) -> str:
    message = smtp_server.received[-1].message
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https://innobridge\.example\.org(/me/claim/confirm/\S+)", text)
    assert match, text
    return match.group(1)


def test_anonymous_claim_creates_a_linked_account(client: Any, runtime: Any, smtp_server: SmtpServer,
                                                  csrf_off: Any) -> None:
    w = seed_world(runtime)
    page = client.get(f"/me/claim/{w.ada}")
    assert page.status_code == 200 and b"Ada Lovelace" in page.data
    assert b"ada.lovelace@example.org" not in page.data  # the address is never shown
    response = client.post(f"/me/claim/{w.ada}")
    assert response.status_code == 302
    assert [r.rcpt_tos for r in smtp_server.received] == [["ada.lovelace@example.org"]]
    link = _claim_link(smtp_server)

    confirm = client.get(link)
    assert confirm.status_code == 200 and b"Create your researcher account" in confirm.data
    bad = client.post(link, data={"password": "short", "confirm": "short"})
    assert bad.status_code == 400
    done = client.post(link, data={"password": "a long enough secret", "confirm": "a long enough secret"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/me")
    with runtime.db.session() as s:
        user = s.scalar(select(User).where(User.email == "ada.lovelace@example.org"))
        assert user is not None and user.role == "researcher" and user.researcher_id == w.ada
        assert s.get(Researcher, w.ada).claimed_by_user_id == user.id  # type: ignore[union-attr]
    assert b"We developed laser welding" in client.get("/me").data  # logged in and linked

    # The link cannot be used again to create a second account.
    with client.session_transaction() as sess:
        sess.clear()
    again = client.post(link, data={"password": "a long enough secret", "confirm": "a long enough secret"})
    assert again.status_code == 302
    with runtime.db.session() as s:
        assert len(s.scalars(select(User)).all()) == 1


def test_logged_in_researcher_links_the_profile(client: Any, auth: Any, runtime: Any, smtp_server: SmtpServer,
                                                csrf_off: Any) -> None:
    w = seed_world(runtime)
    uid = add_user(runtime, "grace@uni.example.org", "researcher")
    auth.login_as(uid)
    client.post(f"/me/claim/{w.grace}")
    link = _claim_link(smtp_server)
    assert b"Claim this profile" in client.get(link).data
    assert client.post(link).status_code == 302
    with runtime.db.session() as s:
        assert s.get(User, uid).researcher_id == w.grace  # type: ignore[union-attr]
    assert b"Deep learning models predict porosity" in client.get("/me").data


def test_sme_cannot_claim_with_a_valid_link(client: Any, auth: Any, runtime: Any, smtp_server: SmtpServer,
                                            csrf_off: Any) -> None:
    w = seed_world(runtime)
    client.post(f"/me/claim/{w.grace}")
    link = _claim_link(smtp_server)
    auth.login_as(add_user(runtime, "boss@acme.example.org", "sme"))
    client.post(link)
    with runtime.db.session() as s:
        assert s.get(Researcher, w.grace).claimed_by_user_id is None  # type: ignore[union-attr]


def test_expired_forged_and_stale_links_are_refused(app: Any, client: Any, runtime: Any, smtp_server: SmtpServer,
                                                    csrf_off: Any) -> None:
    w = seed_world(runtime)
    from web.researcher.tokens import CLAIM_SALT, _email_tag

    class ThreeDaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3 * 24 * 3600

    expired = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=CLAIM_SALT, signer=ThreeDaysAgo).dumps(
        {"r": w.ada, "e": _email_tag("ada.lovelace@example.org")})
    assert client.get(f"/me/claim/confirm/{expired}").status_code == 400
    forged = URLSafeTimedSerializer("not-the-secret", salt=CLAIM_SALT).dumps(
        {"r": w.ada, "e": _email_tag("ada.lovelace@example.org")})
    assert client.get(f"/me/claim/confirm/{forged}").status_code == 400
    assert client.post(f"/me/claim/confirm/{forged}", data={"password": "x" * 12, "confirm": "x" * 12}).status_code \
        == 400

    client.post(f"/me/claim/{w.ada}")
    link = _claim_link(smtp_server)
    with runtime.db.session() as s:
        s.get(Researcher, w.ada).email = "ada.new@example.org"  # type: ignore[union-attr]
    assert client.get(link).status_code == 400  # bound to the address it was sent to


def test_claim_request_for_a_profile_without_address_sends_nothing(client: Any, runtime: Any,
                                                                   smtp_server: SmtpServer, csrf_off: Any) -> None:
    seed_world(runtime)
    with runtime.db.session() as s:
        s.add(Researcher(id="researcher:noaddr", name="No Address", name_key="no address"))
    response = client.post("/me/claim/researcher:noaddr", follow_redirects=True)
    assert b"If we have an address" in response.data
    assert smtp_server.received == []
    assert client.get("/me/claim/researcher:unknown").status_code == 404
