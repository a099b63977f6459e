"""The candidate pool gathers hits straight into a CandidateTable: it must hold what gathering one Candidate
(a dict of documents) per entity held, rows in each entity's order, and keep the same ones as explainable."""
from __future__ import annotations

import math
import random

from matcher.ranking.candidates import CandidatePool, counted_documents, keep_documents_showing, mark_tainted
from matcher.ranking.grounding import explainable
from matcher.ranking.relevance import CandidateTable, length_discounted
from tests.matching.candidate_dicts import Candidate
from matcher.types import Hit, entity_kind

KINDS = ("researcher", "lab", "organization", "equipment", "project")


def _reference(wanted, excluded, profiles, documents, named, nearest, excluded_docs, power):  # type: ignore[no-untyped-def]
    """The pool as one Candidate per entity (what matching did before the table)."""
    candidates: dict[str, Candidate] = {}

    def linked(entity_ids):  # type: ignore[no-untyped-def]
        found = []
        for entity_id in entity_ids:
            c = candidates.get(entity_id)
            if c is None and entity_id not in excluded and entity_kind(entity_id) in wanted:
                c = candidates[entity_id] = Candidate(entity_id)
            if c is not None:
                found.append(c)
        return found

    for h in profiles:
        for c in linked(h.entity_ids):
            c.profile = length_discounted(h, power)
    for h in documents:
        for c in linked(h.entity_ids):
            c.docs[h.id] = (h.score, None)
    for h in named:
        for c in linked(h.entity_ids):
            c.named = True
    for doc_id, entity_ids in nearest.items():
        for c in linked(entity_ids):
            c.docs.setdefault(doc_id, (0.0, None))
    for entity_id, c in candidates.items():
        if entity_kind(entity_id) in ("equipment", "project"):
            c.docs.setdefault(entity_id, (0.0, None))
            c.profile = None
        for doc_id in [d for d in c.docs if d in excluded_docs]:
            del c.docs[doc_id]
    return candidates


def _by_entity(table: CandidateTable) -> dict[str, list[tuple[str, float, float | None]]]:
    """Each entity's rows in the table's order (rows of different entities may interleave)."""
    rows: dict[str, list[tuple[str, float, float | None]]] = {i: [] for i in table.ids}
    for position, doc_id, bm25, cos in zip(table.owner.tolist(), table.doc_ids, table.bm25.tolist(),
                                           table.cosine.tolist()):
        rows[table.ids[position]].append((doc_id, bm25, None if math.isnan(cos) else cos))
    return rows


def _same(table: CandidateTable, candidates: dict[str, Candidate]) -> None:
    assert table.ids == list(candidates)
    assert _by_entity(table) == {i: [(d, lex, cos) for d, (lex, cos) in c.docs.items()] for i, c in candidates.items()}
    assert [None if math.isnan(p) else p for p in table.profile.tolist()] == [c.profile for c in candidates.values()]
    assert table.named.tolist() == [c.named for c in candidates.values()]
    assert table.tainted.tolist() == [c.tainted for c in candidates.values()]


def test_pool_table_holds_what_one_candidate_per_entity_held() -> None:
    rng = random.Random(3)
    for _ in range(300):
        entities = [f"{rng.choice(KINDS)}:{i}" for i in range(rng.randint(0, 40))]
        docs = [f"document:{i}" for i in range(30)] + [e for e in entities if entity_kind(e) in ("equipment", "project")]
        pick = lambda k: tuple(rng.sample(entities, min(k, len(entities))))  # noqa: E731
        profiles = [Hit(f"profile:{e}", rng.uniform(0, 30), "entity_profile", (e,), rng.randint(0, 900))
                    for e in rng.sample(entities, len(entities) // 2)]
        documents = [Hit(d, rng.choice([0.0, 4.0, rng.uniform(0, 20)]), "publication", pick(rng.randint(0, 3)))
                     for d in rng.sample(docs, rng.randint(0, len(docs)))]
        named = [Hit(f"profile:{e}", 1.0, "entity_profile", (e,)) for e in rng.sample(entities, len(entities) // 8)]
        nearest = {d: list(pick(rng.randint(0, 3))) for d in rng.sample(docs, rng.randint(0, 12))}
        wanted = rng.choice([KINDS, ("researcher", "equipment")])
        excluded = set(rng.sample(entities, len(entities) // 10))
        excluded_docs = set(rng.sample(docs, rng.randint(0, 4)))
        power = rng.choice([0.0, 0.15])

        gathered = CandidatePool(wanted, excluded)
        gathered.add_profiles(profiles, power)
        gathered.add_documents(documents)
        gathered.add_named(named)
        gathered.add_nearest(nearest)
        table = gathered.settled(excluded_docs)
        candidates = _reference(wanted, excluded, profiles, documents, named, nearest, excluded_docs, power)
        _same(table, candidates)
        assert counted_documents(table) == {d for c in candidates.values() for d in c.docs
                                            if entity_kind(d) == "document"}

        cosines = {d: rng.uniform(-0.1, 0.8) for d in rng.sample(docs, len(docs) // 2)}
        doc_caps = {d: {rng.choice("abc"): 1.0} for d in rng.sample(docs, len(docs) // 2)}
        table = keep_documents_showing(table, doc_caps, ["a"]).with_cosines(cosines)
        links = {d: list(pick(2)) for d in excluded_docs}
        mark_tainted(table, links)
        for c in candidates.values():
            c.docs = {d: (lex, cosines.get(d)) for d, (lex, _) in c.docs.items() if "a" in doc_caps.get(d, {})}
            c.tainted = any(c.entity_id in ids for ids in links.values())
        _same(table, candidates)

        kept = explainable(table, 0.3)
        _same(kept, {i: c for i, c in candidates.items()
                     if c.profile is not None or any(lex > 0 or (cos is not None and cos >= 0.3)
                                                     for lex, cos in c.docs.values())})
        assert all(math.isnan(p) or p >= 0 for p in kept.profile.tolist())
