"""Korean capability phrases are keyed as Kiwi reads them inside sentences, so a phrase matches itself in a text.

Kiwi reads a phrase alone as a whole sentence: 피막 (coating film) as 피 (blood) + 막 (just), 유동 해석
(flow analysis) as 유동 + 하 + 어서, 풀림 (annealing) as the verb 풀리다; and it reads some words two ways in
texts (금형 as one noun or as 금 + the suffix 형). A key taken from the phrase alone matched every 피 and 유동
and missed the press dies of half the texts.
"""
from __future__ import annotations

import pytest

from matcher.capabilities.extractor import get_extractor
from matcher.capabilities.korean import phrase_keys, read_curated_ko
from matcher.korean import has_hangul, is_content, morphemes, object_particle

#: Sentences unlike the ones the keys are read in (matcher.capabilities.korean._carriers), so a phrase is
#: tested in contexts its keys were not taken from.
FRAMES = (
    "{phrase} 공정에서 불량이 생깁니다",
    "저희 회사는 {phrase}{object} 연구하고 있습니다",
    "최근 {phrase} 분야에 관심이 많습니다",
)


def ids(text: str) -> set[str]:
    return {m.capability_id for m in get_extractor().extract(text) if not m.capability_id.startswith("kp:")}


def _phrases() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for label in read_curated_ko():
        for phrase in label.phrases:
            if has_hangul(phrase):
                seen.setdefault(phrase, label.capability_id)
    return sorted(seen.items())


def _reads_whole(text: str, start: int, end: int) -> bool:
    """Whether Kiwi reads the phrase at text[start:end] with content morphemes over all of its letters (not, say,
    내화물 as 나 + 의 + 화물, "my cargo"): a phrase Kiwi misreads cannot match without matching other words."""
    covered = set()
    for m in morphemes(text):
        if start <= m.start and m.end <= end and (is_content(m) or m.tag in ("XPN", "XSN", "ETN", "SL", "SN")):
            covered.update(range(m.start, m.end))
    return all(i in covered for i in range(start, end) if text[i].isalnum() and text[i] != "및")


def test_every_korean_phrase_matches_itself_inside_sentences() -> None:
    matcher = get_extractor()
    missed, misread = [], []
    phrases = _phrases()
    for phrase, cid in phrases:
        for frame in FRAMES:
            text = frame.format(phrase=phrase, object=object_particle(phrase))
            start = text.index(phrase)
            end = start + len(phrase)
            if not _reads_whole(text, start, end):
                misread.append(text)
                continue
            found = [(m.capability_id, m.start, m.end) for m in matcher.extract(text)]
            if not any(s <= start and end <= e and (c == cid or e - s > end - start) for c, s, e in found):
                readings = [(m.form, m.tag) for m in morphemes(text) if start <= m.start < end]
                missed.append(f"{phrase} ({cid}) in {text!r}: read {readings}, keys {phrase_keys(phrase)}, "
                              f"found {[(c, text[s:e]) for c, s, e in found]}")
    assert not missed, "\n".join(missed)
    assert len(misread) < 0.05 * len(phrases) * len(FRAMES), misread  # the test tests something


def test_keys_are_the_readings_inside_a_sentence_not_alone() -> None:
    """The phrases whose reading alone differs from their reading in a text (the keys before this fix in
    comments): each is keyed as a text has it."""
    expected = {
        "피막": ["피막"],  # was 피 (blood)
        "유동 해석": ["유동해석"],  # was 유동 (any flow, liquidity)
        "풀림": ["풀림"],  # was 풀리 (the verb: comes loose)
        "뜨임": ["뜨임"],  # was 뜨이 (the verb: catches the eye)
        "프레스 금형": ["프레스금형"],  # was 프레스금
        "질화 처리": ["질화처리"],  # was 질처리
        "직접에너지적층": ["직접에너지적층"],  # was 직접에너지
        "고분자": ["고분자"],  # a text reads 고 + 분자 as often
        "계측기": ["계측기"],  # was 계측, metrology's key
        "반응기": ["반응기"],  # was 반응 (any reaction)
        "재활용": ["재활용"],  # was 활용 (any use)
        "초전도": ["초전도"],  # was 전도 (any conduction)
        "공정 자동화": ["공정자동화"],  # was 공정자동
    }
    assert {phrase: phrase_keys(phrase) for phrase in expected} == expected


@pytest.mark.parametrize("text", ["피가 나는 상처를 치료합니다", "피부 보호 크림", "피를 뽑는다"])
def test_blood_and_skin_are_not_coatings(text: str) -> None:
    assert "core:coatings" not in ids(text)


@pytest.mark.parametrize("text", ["피막이 벗겨집니다", "산화 피막 두께를 측정합니다"])
def test_a_coating_film_is_a_coating(text: str) -> None:
    assert "core:coatings" in ids(text)


def test_flow_alone_is_not_cfd_flow_analysis_is() -> None:
    assert "core:cfd" not in ids("유동 인구가 많은 지역") | ids("자금 유동성이 부족합니다")
    assert "core:cfd" in ids("유동 해석으로 냉각 채널을 설계합니다")
    assert "core:cfd" in ids("유동해석 결과가 실험과 다릅니다")


def test_coming_loose_is_not_annealing() -> None:
    assert "core:heat-treatment" not in ids("볼트가 풀리는 문제") | ids("나사가 자꾸 풀려요") | ids("눈에 뜨이다")
    # 풀림 alone is a loosened bolt as often as annealing: only 풀림 처리 / 풀림 열처리 are phrases
    assert "core:heat-treatment" not in ids("볼트 풀림 방지 체결 구조") | ids("나사 풀림 방지용 고정제")
    assert "core:heat-treatment" in ids("냉간 압연 후 풀림 열처리 조건")
    assert "core:heat-treatment" in ids("풀림 처리 후 경도가 낮아졌습니다")
    assert "core:heat-treatment" in ids("뜨임 처리 조건을 바꾸고 싶습니다")


@pytest.mark.parametrize("text", ["프레스 금형이 마모되어 버가 생깁니다", "프레스 금형 기술을 개발합니다"])
def test_a_press_die_is_forming_however_kiwi_reads_die(text: str) -> None:
    assert "core:forming" in ids(text)


def test_kiwi_reads_die_both_ways_in_those_sentences() -> None:
    """The sentences above test both readings of 금형: one noun, or 금 + the suffix 형."""
    readings = {tuple((m.form, m.tag) for m in morphemes(text) if m.form in ("금형", "금", "형"))
                for text in ("프레스 금형이 마모되어 버가 생깁니다", "프레스 금형 기술을 개발합니다")}
    assert readings == {(("금형", "NNG"),), (("금", "NNG"), ("형", "XSN"))}


def test_passing_on_news_is_not_electrochemistry() -> None:
    """Kiwi reads 전해 as the verb 전하다 (to pass on) in every sentence, so 전해 alone is no phrase."""
    assert "core:electrochemical-devices" not in ids("소식을 전해 드립니다") | ids("전하를 띤 입자")
    assert "core:electrochemical-devices" in ids("수전해 전극의 전해질 열화")
    assert "core:electrochemical-devices" in ids("스테인리스 부품 전해 연마 공정 개선")
