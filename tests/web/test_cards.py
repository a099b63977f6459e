"""A result card built by web.public.cards prints exactly what the Jinja markup it replaced printed, in both
languages and for both kinds of match, and its kept entity part never carries one page's language, link
root or stale name into another page."""
from __future__ import annotations

from typing import Any

import pytest
from flask import render_template_string
from markupsafe import Markup

from matcher.services.problems import StoredMatch
from matcher.types import Evidence, Match

#: public/_match.html as it was before the card was built in Python (the reference the card must equal).
REFERENCE = """{# One ranked candidate #}
<article class="card result" data-kind="{{ m.entity_kind }}">
  <header class="result-head">
    <h3><a href="{{ url_for('public.entity', entity_id=m.entity_id) }}">{{ m.name }}</a></h3>
    {% set band = m.score|band %}<span class="band band-{{ band }}" title="{{ _('relevance, calibrated on judged examples') }}">{{ BAND_NAMES[band] }}</span>
  </header>
  <p class="muted">
    <span class="tag kind">{{ KIND_LABELS.get(m.entity_kind, m.entity_kind) }}</span>
    {% if m.organization %}{{ m.organization }}{% endif %}{% if m.organization and m.region %} · {% endif %}{% if m.region %}{{ m.region|region_name }}{% endif %}
  </p>
  {% if m.components.get('name') %}
    <p class="named">{{ _('Your text names %(name)s.', name=m.name) }}</p>
  {% endif %}
  {% if m.capabilities %}
    <p class="capabilities">{% for c in m.capabilities %}<span class="tag">{{ c|capability_name }}</span>{% endfor %}</p>
  {% endif %}
  {% if m.evidence %}
    <ul class="evidence">
      {% for e in m.evidence[:3] %}
        <li><q>{{ e.text|highlight(e.highlights) }}</q> <span class="muted source">— {% if e.document_kind %}{{ DOCUMENT_KINDS.get(e.document_kind, e.document_kind) }}{% if e.document_title != e.text %}: {{ e.document_title }}{% endif %}{% if e.year %} ({{ e.year }}){% endif %}{% else %}{{ e.source }}{% endif %}</span></li>
      {% endfor %}
    </ul>
  {% endif %}
  {% if extra %}{{ extra }}{% endif %}
</article>
"""

CARD = "{% include 'public/_match.html' %}"

EVIDENCE = (
    Evidence(text='Pores in <laser> welds of "Al" & Mg', source="publication: Welds (2021)", document_id="document:1",
             highlights=((10, 17), (0, 5), (12, 20)), year=2021, document_kind="publication",
             document_title="Welds"),
    Evidence(text="Liquid Composite Molding", source="award: Liquid Composite Molding (2009)",
             document_kind="award", document_title="Liquid Composite Molding", year=2009),
    Evidence(text="a stored line", source="project: <old> line"),
    Evidence(text="a robot's note", source="x", document_kind="robot-note", document_title="Note"),
    Evidence(text="never shown: only three per card", source="y"),
)

MATCHES = [
    Match(entity_id="researcher:ada", entity_kind="researcher", name="Ada <Welder> & 'Co'", score=0.9,
          components={"name": 1.0}, capabilities=("Additive manufacturing", "Laser <welding>"),
          evidence=EVIDENCE, organization="Uni & Lab", region="KR-47"),
    Match(entity_id="equipment:x 1/ä", entity_kind="equipment", name="Press", score=0.0, region="OH"),
    Match(entity_id="lab:l", entity_kind="lab", name="Lab", score=0.4, organization="Org", evidence=EVIDENCE[3:4]),
    Match(entity_id="robot:r", entity_kind="robot", name="R", score=0.5, components={"name": 0.0}),
]


def _stored(extra_consented: bool) -> StoredMatch:
    return StoredMatch(id=1, problem_id="p", entity_id="researcher:ada", entity_kind="researcher", name="Ada",
                       rank=1, score=0.7, stage="suggested", capabilities=("Additive manufacturing",),
                       evidence=EVIDENCE[:2], consented=extra_consented)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_card_prints_what_the_template_printed(app: Any, language: str) -> None:
    cases: list[tuple[Any, Any]] = [(m, None) for m in MATCHES]
    cases += [(_stored(False), Markup('<form class="x">&amp;</form>')), (_stored(True), "")]
    with app.test_request_context("/search?q=x", headers={"Accept-Language": language}):
        for m, extra in cases:
            for _ in range(2):  # the second render takes the kept entity part
                ours = render_template_string(CARD, m=m, extra=extra)
                reference = render_template_string(REFERENCE, m=m, extra=extra)
                assert ours == reference, m.entity_id


def test_the_kept_entity_part_follows_the_language_the_link_root_and_the_data(app: Any) -> None:
    ada = MATCHES[0]
    with app.test_request_context("/search?q=x", headers={"Accept-Language": "en"}):
        english = render_template_string(CARD, m=ada)
    with app.test_request_context("/search?q=x", headers={"Accept-Language": "ko"}):
        korean = render_template_string(CARD, m=ada)
    assert "North Gyeongsang" in english and "경상북도" not in english
    assert "경상북도" in korean and "North Gyeongsang" not in korean
    with app.test_request_context("/search?q=x", base_url="http://localhost/site", headers={"Accept-Language": "en"}):
        mounted = render_template_string(CARD, m=ada)
    assert 'href="/site/entities/researcher:ada"' in mounted and 'href="/entities/researcher:ada"' in english
    renamed = Match(**{**ada.__dict__, "name": "Ada Renamed", "region": "OH"})
    with app.test_request_context("/search?q=x", headers={"Accept-Language": "en"}):
        after = render_template_string(CARD, m=renamed)
    assert "Ada Renamed" in after and "Ada &lt;Welder&gt;" not in after and "North Gyeongsang" not in after


def test_a_card_outside_a_request_is_built_like_the_template_and_not_kept(app: Any) -> None:
    """A render in an app context only (a command, a mail) links through SERVER_NAME; nothing of it is kept."""
    from web.public import cards

    app.config["SERVER_NAME"] = "bridge.example.org"
    ada = Match(**{**MATCHES[0].__dict__, "entity_id": "researcher:outside"})
    with app.app_context():
        ours = render_template_string(CARD, m=ada)
        assert ours == render_template_string(REFERENCE, m=ada)
    assert 'href="http://bridge.example.org/entities/researcher:outside"' in ours
    assert not any("researcher:outside" in key for key in cards._entity_parts)
