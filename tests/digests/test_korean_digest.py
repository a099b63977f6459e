"""A researcher who chose Korean gets a Korean digest: UTF-8 bodies and an RFC 2047 subject, read off the wire
of the real loopback SMTP server; the others still get English."""
from __future__ import annotations

import re
from email.header import decode_header, make_header
from typing import Any

from sqlalchemy import update

from matcher.models import Researcher
from matcher.services import accounts
from tests.factories.digests import seed_world
from tests.mail.smtpd import SmtpServer


def _raw_header(raw: bytes, name: str) -> str:
    """A header exactly as it went over the wire, folded lines joined."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # a header with raw UTF-8 would fail here
    found = re.search(rf"^{name}: ([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, flags=re.MULTILINE)
    assert found, f"no {name} header"
    return found.group(1).replace("\r\n", "")


def test_a_korean_digest_is_utf8_with_an_encoded_subject(runner: Any, runtime: Any,
                                                          smtp_server: SmtpServer) -> None:
    w = seed_world(runtime)
    account = accounts.create_user(runtime, "ada.login@example.org", "x", "researcher", researcher_id=w.ada)
    accounts.set_locale(runtime, account.id, "ko")
    result = runner.invoke(args=["digests", "send"])
    assert result.exit_code == 0, result.output

    by_recipient = {r.rcpt_tos[0]: r for r in smtp_server.received}
    ada = by_recipient["ada.lovelace@example.org"]
    subject = _raw_header(ada.raw, "Subject")
    # ASCII on the wire; the Korean words travel as RFC 2047 encoded words.
    assert re.fullmatch(r"InnoBridge: (\s*=\?utf-8\?[bq]\?[^?]+\?=)+", subject, flags=re.IGNORECASE), subject
    assert str(make_header(decode_header(subject))) == "InnoBridge: 회원님의 전문 분야에 맞는 새 문제 2건"
    assert ada.message["Subject"] == "InnoBridge: 회원님의 전문 분야에 맞는 새 문제 2건"

    text_part = ada.message.get_body(preferencelist=("plain",))
    html_part = ada.message.get_body(preferencelist=("html",))
    for part in (text_part, html_part):
        assert part.get_content_charset() == "utf-8"
        body = part.get_payload(decode=True).decode("utf-8")  # the bytes on the wire are UTF-8
        assert "Ada Lovelace 님, 안녕하십니까." in body
        assert "익명의 제조기업" in body and "추천 이유" in body
        assert "Laser welding of battery housings" in body  # user text stays as written
        assert "Why you" not in body and "Hello" not in body
        assert "부식" in body and "레이저 용접" in body  # the capabilities as the Korean site names them
        assert "Corrosion\n" not in body and ">Corrosion<" not in body
    assert 'lang="ko"' in html_part.get_content()
    assert re.search(r"\d{4}년 \d{1,2}월 \d{1,2}일 이후", text_part.get_content())

    grace = by_recipient["grace.hopper@example.org"]
    assert grace.message["Subject"] == "InnoBridge: 1 new project matching your expertise"
    assert "Hello Grace Hopper," in grace.message.get_body(preferencelist=("plain",)).get_content()


def test_a_capability_the_researcher_added_is_said_so_in_their_language(runner: Any, runtime: Any,
                                                                        smtp_server: SmtpServer) -> None:
    # The reason's evidence is the researcher's own statement: no English placeholder ("Added by you") in quotes.
    w = seed_world(runtime)
    with runtime.db.session() as s:
        s.execute(update(Researcher).where(Researcher.id == w.idle).values(added_capabilities=["core:machine-learning"]))
    account = accounts.create_user(runtime, "idle.login@example.org", "x", "researcher", researcher_id=w.idle)
    accounts.set_locale(runtime, account.id, "ko")
    assert runner.invoke(args=["digests", "send"]).exit_code == 0

    idle = {r.rcpt_tos[0]: r for r in smtp_server.received}["idle.composites@example.org"]
    for kind in ("plain", "html"):
        body = idle.message.get_body(preferencelist=(kind,)).get_payload(decode=True).decode("utf-8")
        assert "직접 추가" in body, body
        assert "Added by you" not in body and "added by you" not in body
