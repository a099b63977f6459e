"""Korean and English: the catalogue covers every marked string, and the locale is chosen as documented
(user setting, else the switch's cookie, else Accept-Language, else English)."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import render_template_string

from matcher.services import accounts
from tests import factories
from tests.factories import csrf_token, login

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "web" / "translations" / "ko" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
METHODS = [("web/**.py", "python"), ("web/templates/**.html", "jinja2"), ("web/templates/**.txt", "jinja2")]


def _marked_strings() -> set[str]:
    """Every string marked for translation in web/ (the same rules as babel.cfg and `make translations`)."""
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _key(value: Any) -> Any:
    """Plural entries come back as lists from .mo files and tuples from .po files."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _korean() -> Any:
    with open(CATALOGUE / "messages.po", "rb") as handle:
        return read_po(handle, locale="ko")


def test_every_marked_string_has_a_korean_translation() -> None:
    catalogue = _korean()
    marked = _marked_strings()
    assert len(marked) > 300  # the extraction itself works (templates and Python)
    missing = sorted(m for m in marked if catalogue.get(m) is None)
    assert not missing, f"not in the Korean catalogue (run `make translations`): {missing[:20]}"
    untranslated = sorted(str(m.id) for m in catalogue
                          if m.id and not all(_key(m.string) if isinstance(m.string, (list, tuple)) else (m.string,)))
    assert not untranslated, f"empty Korean translations: {untranslated[:20]}"
    fuzzy = sorted(str(m.id) for m in catalogue if m.id and m.fuzzy)
    assert not fuzzy, f"fuzzy Korean translations: {fuzzy[:20]}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert not problems, f"placeholders differ between English and Korean: {problems[:10]}"


def test_the_committed_mo_file_is_compiled_from_the_po_file() -> None:
    with open(CATALOGUE / "messages.mo", "rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in _korean() if m.id and not m.fuzzy}
    assert compiled == source, "web/translations/ko/LC_MESSAGES/messages.mo is stale: run `make translations`"


def test_accept_language_korean_renders_korean_labels(client: Any) -> None:
    html = client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "기술 문제를 설명해 주십시오" in html and "파트너 찾기" in html
    assert "Describe your technical problem" not in html
    login_page = client.get("/auth/login", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "비밀번호" in login_page and "Password" not in login_page


def test_english_is_the_default_and_the_browser_can_ask_for_it(client: Any) -> None:
    assert "Describe your technical problem" in client.get("/").get_data(as_text=True)
    html = client.get("/", headers={"Accept-Language": "de-DE,en;q=0.8,ko;q=0.5"}).get_data(as_text=True)
    assert "Describe your technical problem" in html


def test_error_pages_and_flash_messages_are_translated(client: Any) -> None:
    response = client.get("/entities/nothing-here", headers={"Accept-Language": "ko"})
    assert response.status_code == 404
    assert "찾을 수 없음" in response.get_data(as_text=True)
    token = csrf_token(client)
    page = client.post("/auth/login", data={"email": "nobody@example.org", "password": "wrong-password",
                                            "csrf_token": token}, headers={"Accept-Language": "ko"})
    assert "등록되지 않은 이메일이거나 비밀번호가 틀렸습니다." in page.get_data(as_text=True)


def test_the_log_in_request_of_a_members_page_is_translated(client: Any) -> None:
    """Flask-Login flashes its own English sentence unless it is given one to translate."""
    page = client.get("/problems/new", headers={"Accept-Language": "ko"}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "이 페이지를 보려면 로그인해 주십시오." in html
    assert "Please log in" not in html


def test_the_switch_sets_a_cookie_that_beats_accept_language(client: Any) -> None:
    token = csrf_token(client, "/")
    response = client.post("/language", data={"locale": "ko", "next": "/about", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/about")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("innobridge_lang=ko") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    html = client.get("/about", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "InnoBridge 소개" in html


def test_the_switch_refuses_unknown_languages_and_foreign_redirects(client: Any) -> None:
    token = csrf_token(client, "/")
    assert client.post("/language", data={"locale": "de", "csrf_token": token}).status_code == 400
    away = client.post("/language", data={"locale": "en", "next": "https://evil.example", "csrf_token": token})
    assert away.status_code == 302 and "evil" not in away.headers["Location"]
    assert client.post("/language", data={"locale": "ko"}).status_code == 400  # no CSRF token


def test_a_users_setting_wins_over_cookie_and_browser(client: Any, world: factories.World, runtime: Any) -> None:
    accounts.set_locale(runtime, world.users["sme"], "ko")
    login(client, "sme@firm.example.com")
    client.set_cookie("innobridge_lang", "en")
    html = client.get("/problems", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>내 문제</h1>" in html


def test_the_account_page_stores_the_setting(client: Any, world: factories.World, runtime: Any) -> None:
    login(client, "sme@firm.example.com")
    token = csrf_token(client, "/account/language")
    response = client.post("/account/language", data={"locale": "ko", "csrf_token": token})
    assert response.status_code == 302
    assert accounts.get_account(runtime, world.users["sme"]).locale == "ko"
    assert "언어 설정을 저장했습니다." in client.get("/account/language").get_data(as_text=True)
    token = csrf_token(client, "/account/language")
    client.post("/account/language", data={"locale": "", "csrf_token": token})
    assert accounts.get_account(runtime, world.users["sme"]).locale is None


def test_switching_while_logged_in_saves_the_setting(client: Any, world: factories.World, runtime: Any) -> None:
    login(client, "sme@firm.example.com")
    token = csrf_token(client, "/")
    client.post("/language", data={"locale": "ko", "csrf_token": token})
    assert accounts.get_account(runtime, world.users["sme"]).locale == "ko"


def test_dates_and_numbers_follow_the_locale(app: Any) -> None:
    template = "{{ format_date(day, 'long') }}|{{ format_number(12345) }}|{{ format_decimal(0.5, '0.00') }}"
    with app.test_request_context("/", headers={"Accept-Language": "ko"}):
        assert render_template_string(template, day=date(2026, 11, 30)) == "2026년 11월 30일|12,345|0.50"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(template, day=date(2026, 11, 30)) == "November 30, 2026|12,345|0.50"


def test_kept_number_formats_are_per_locale(app: Any) -> None:
    """Formatted ints are kept per locale: one locale's grouping never shows on another's page."""
    from flask_babel import force_locale

    template = "{{ format_number(1234567) }}|{{ format_number(7) }}|{{ format_number(2.5) }}|{{ format_number(None) }}"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(template) == "1,234,567|7|2.5|"
        with force_locale("de"):
            assert render_template_string(template) == "1.234.567|7|2,5|"
        assert render_template_string(template) == "1,234,567|7|2.5|"


def test_links_in_translated_sentences_are_links_and_their_values_are_escaped(app: Any, client: Any) -> None:
    """A sentence with a link is marked up by our catalogue; the values put into it are the reader's data."""
    for language, link in (("en", '<a href="/about">sources</a>'), ("ko", '<a href="/about">출처</a>')):
        assert link in client.get("/about", headers={"Accept-Language": language}).get_data(as_text=True)
    template = "{{ _('for <a href=\"%(url)s\">%(title)s</a>', url='/admin/problems/1', title=title) }}"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        html = render_template_string(template, title="<script>alert(1)</script>")
    assert html == 'for <a href="/admin/problems/1">&lt;script&gt;alert(1)&lt;/script&gt;</a>'


def test_form_validation_messages_are_korean(client: Any) -> None:
    token = csrf_token(client, "/auth/register")
    page = client.post("/auth/register", data={"email": "not-an-address", "password": "short", "confirm": "other",
                                               "role": "sme", "csrf_token": token},
                       headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "올바른 이메일 주소를 입력하십시오." in page
    assert "비밀번호가 일치하지 않습니다." in page


@pytest.mark.parametrize("message, korean", [
    ("the date cannot be in the future", "날짜는 미래일 수 없습니다"),
    ("this match is already introduced", "이 매칭은 이미 소개 완료 상태입니다"),
    ("a reindex job is already running (job 7)", "reindex 작업이 이미 진행 중입니다(작업 7)"),
    ("something the catalogue does not know", "something the catalogue does not know"),
])
def test_core_messages_are_shown_in_korean(app: Any, message: str, korean: str) -> None:
    from web.labels import core_message

    with app.test_request_context("/", headers={"Accept-Language": "ko"}):
        assert core_message(ValueError(message)) == korean


def test_admin_pages_and_control_tower_charts_speak_korean(client: Any, world: factories.World) -> None:
    login(client, "coord@institute.example.org")
    ko = {"Accept-Language": "ko"}
    tower = client.get("/admin/control-tower", headers=ko).get_data(as_text=True)
    assert "컨트롤 타워" in tower and "단계별 퍼널" in tower and "<svg" in tower
    assert 'aria-label="단계별 퍼널"' in tower  # the chart's own label, not only the page
    csv_head = client.get("/admin/control-tower/funnel.csv", headers=ko).get_data(as_text=True).splitlines()[0]
    assert csv_head == "단계,매칭,이전 단계 대비,제안 대비"
    queue = client.get("/admin/", headers=ko).get_data(as_text=True)
    assert "큐레이션 대기열" in queue and "Curation queue" not in queue


def test_introduction_mails_go_out_in_each_readers_language(app: Any, client: Any, world: factories.World,
                                                             runtime: Any) -> None:
    accounts.set_locale(runtime, world.users["sme"], "ko")  # the firm reads Korean; the researcher has no account
    login(client, "coord@institute.example.org")
    token = csrf_token(client, "/admin/")
    client.post(f"/admin/matches/{world.match_id}/approve", data={"csrf_token": token})
    response = client.post(f"/admin/matches/{world.match_id}/introduce", data={"csrf_token": token})
    assert response.status_code == 302
    sent = {m["To"]: m for m in app.extensions["mail"].outbox}
    firm, partner = sent["sme@firm.example.com"], sent[factories.RESEARCHER_EMAIL]
    assert firm["Subject"].startswith("InnoBridge 소개: ")
    assert "소개해 드렸습니다" in firm.get_content() and factories.RESEARCHER_EMAIL not in firm.get_content()
    assert partner["Subject"].startswith("InnoBridge introduction: ")
    assert "is looking for a research partner" in partner.get_content()
    assert "sme@firm.example.com" in partner.get_content()


def test_the_towers_capability_areas_and_empty_charts_speak_korean(app: Any) -> None:
    """The core names areas by the taxonomy's English root labels; a Korean page names them in Korean."""
    from matcher.services.control_tower import Table
    from web.admin.charts import bar_chart
    from web.admin.tower_text import localised

    table = Table("capabilities", "Counts and outcomes by capability area (top 15)",
                  ("Capability area", "Matches"), (("Materials", 3), ("Mathematics and Statistics", 2),
                                                   ("(no capability)", 1), ("Unknown area", 1)))
    with app.test_request_context("/", headers={"Accept-Language": "ko"}):
        rows = localised(table).rows
        empty = str(bar_chart([], [], "t"))
    assert [r[0] for r in rows] == ["소재", "수학 및 통계", "(역량 없음)", "Unknown area"]
    assert "아직 데이터가 없습니다" in empty
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert [r[0] for r in localised(table).rows] == ["Materials", "Mathematics and Statistics",
                                                          "(no capability)", "Unknown area"]


def test_evidence_names_its_document_kind_in_the_pages_language(client: Any, world: factories.World) -> None:
    # The kind travels apart from the English "publication: <title> (year)" line, which the API keeps.
    english = client.get("/search?q=porosity+laser+welding+aluminium").get_data(as_text=True)
    assert "— publication: Porosity control in laser welding (2023)" in english
    korean = client.get("/search?q=porosity+laser+welding+aluminium",
                        headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "— 논문: Porosity control in laser welding (2023)" in korean
    assert "— publication:" not in korean
