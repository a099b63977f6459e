"""The distinctive signal: a kernel ridge over each query's candidate documents, on stored TF-IDF rows."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp
from sqlalchemy import select

from matcher.models import Researcher
from matcher.ranking.distinctive import candidate_signal, distinctive_scores
from matcher.ranking.term_vectors import BUCKETS, TermVectors


def _unit_rows(dense: list[list[float]]) -> sp.csr_matrix:
    matrix = np.array(dense, dtype=np.float64)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return sp.csr_matrix(matrix)


def test_scores_are_the_closed_form_ridge_with_one_column_per_owner() -> None:
    rng = np.random.default_rng(7)
    documents = sp.random(40, 300, density=0.05, random_state=11, format="csr")
    documents.data[:] = rng.uniform(0.1, 1.0, documents.nnz)
    norms = np.sqrt(np.asarray(documents.multiply(documents).sum(axis=1))).ravel()
    documents = sp.csr_matrix(sp.diags(1 / np.where(norms > 0, norms, 1)) @ documents)
    query = sp.csr_matrix(documents[3] + documents[17])
    owners = sp.csr_matrix((np.ones(40), (np.arange(40), rng.integers(0, 12, 40))), shape=(40, 12))
    kernel = (documents @ documents.T).toarray() + 0.3 * np.eye(40)
    expected = np.asarray((documents @ query.T).todense()).ravel() @ scipy.linalg.solve(kernel, owners.toarray())
    got = distinctive_scores(query, documents, owners, ridge=0.3)
    # float64 throughout: the two solves differ by rounding only (measured ~1e-13 here)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_a_document_shared_in_substance_with_another_owner_counts_less() -> None:
    """A and C each have one document equally close to the problem; B has a near copy of A's. Pooled cosines
    tie A and C; the distinctive score puts C, whose document no one else answers with, above A."""
    documents = _unit_rows([[1.0, 1.0, 0.0, 0.0],    # A
                            [1.0, 1.0, 0.05, 0.0],   # B: nearly A's
                            [0.0, 1.0, 1.0, 0.0]])   # C
    query = _unit_rows([[1.0, 1.0, 1.0, 0.0]])
    owners = sp.csr_matrix(np.eye(3))
    cosines = np.asarray((documents @ query.T).todense()).ravel()
    assert cosines[0] == pytest.approx(cosines[2])
    score_a, score_b, score_c = distinctive_scores(query, documents, owners)
    assert score_c > score_a and score_c > score_b


def test_near_copies_of_one_owner_are_not_counted_twice() -> None:
    """An owner with two copies of a document scores near one with a single equally close one, not twice as high
    (summed cosines would double it; with the ridge at 0.3 the copies count about 1.2 times)."""
    documents = _unit_rows([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    query = _unit_rows([[1.0, 1.0, 1.0]])
    owners = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    twice, once = distinctive_scores(query, documents, owners)
    pooled_sum = 2 * float((documents[0] @ query.T).toarray()[0, 0])
    assert twice < 0.75 * pooled_sum
    assert once < twice < 1.3 * once


def test_term_vectors_round_trip_and_unit_length(tmp_path: Path) -> None:
    store = TermVectors(tmp_path / "terms")
    assert len(store) == 0 and store.query("laser welding") is None
    written = store.write([("d1", "Laser welding of aluminium battery trays"),
                           ("d2", "Porosity in laser-welded joints of battery housings"),
                           ("d3", "Injection moulding of thin-walled polypropylene parts")])
    assert written == 3 and len(store) == 3
    rows, known = store.rows(["d3", "missing", "d1"])
    assert known == ["d3", "d1"] and rows.shape == (2, BUCKETS)
    assert np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1))).ravel() == pytest.approx([1.0, 1.0])
    query = store.query("laser welding porosity")
    assert query is not None
    closeness = np.asarray((store.rows(["d1", "d2", "d3"])[0] @ query.T).todense()).ravel()
    assert closeness[2] == 0.0 and closeness[0] > 0 and closeness[1] > 0
    assert store.query("xyzzyqwv plumbus") is None  # no word of it in any document
    reader = TermVectors(tmp_path / "terms")  # another process sees the same files
    assert len(reader) == 3
    store.write([("d9", "Vision inspection of machined surfaces")])
    reader.reload(force=True)
    assert len(reader) == 1 and reader.rows(["d1"])[1] == []


def test_candidate_signal_marks_candidates_without_stored_documents(tmp_path: Path) -> None:
    store = TermVectors(tmp_path / "terms")
    store.write([("a1", "laser welding of aluminium trays"), ("b1", "laser welding of steel frames"),
                 ("c1", "injection moulding of polypropylene")])
    query = store.query("laser welding aluminium")
    doc_ids = ["a1", "b1", "new-doc", "c1"]
    owner = np.array([0, 1, 2, 3], dtype=np.intp)
    values, present = candidate_signal(query, store, doc_ids, owner, 4)
    assert present.tolist() == [True, True, False, True]
    assert values[0] > values[1] > values[3]
    capped, capped_present = candidate_signal(query, store, doc_ids, owner, 4, max_documents=2)
    assert capped_present.tolist() == [True, True, False, False]  # c1 is the farthest from the problem


LONG_PROBLEM = ("Our battery trays are laser welded from aluminium sheet, and the seams show porosity that fails the "
                "leak test. We need a partner who understands keyhole porosity, beam oscillation and shielding gas "
                "flow in laser welding of aluminium alloys, and who can run trials on our tray geometry, measure the "
                "pores and help us set the welding parameters for series production.")


def test_match_weighs_the_signal_for_long_problems_and_computes_it_for_learning(runtime, store) -> None:  # type: ignore[no-untyped-def]
    from matcher.indexing import rebuild_index
    from matcher.services.matching import candidate_features, match

    assert len(LONG_PROBLEM.split()) > 40
    assert "distinctive" not in candidate_features(runtime, LONG_PROBLEM)[0][1]  # no rows stored before a rebuild
    rebuild_index(runtime)
    long_result = match(runtime, LONG_PROBLEM, kinds=["researcher"], limit=5)
    assert "distinctive" in long_result.matches[0].components
    assert long_result.matches[0].entity_id in {*store.welders_lab, store.lone_welder}
    short = match(runtime, "porosity in laser-welded aluminium battery trays", limit=5)
    assert "distinctive" not in short.matches[0].components  # the short set does not weigh it: not computed
    features = dict(candidate_features(runtime, "porosity in laser-welded aluminium battery trays"))
    assert all("distinctive" in f for f in features.values())  # learning sees it whatever the weights


def test_a_document_imported_after_the_rebuild_counts_from_its_text(runtime, store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from indexers.ingest import load
    from matcher.indexing import rebuild_index
    from matcher.services.matching import candidate_features

    rebuild_index(runtime)
    award = {"award_id": "N1", "title": "Keyhole porosity in laser welded aluminium battery trays",
             "abstract": "Beam oscillation and shielding gas flow against porosity in laser welded aluminium trays.",
             "pi_names": ["Nova Welder"], "lead_pi": "Nova Welder", "institution": "New Weld College", "state": "CA",
             "city": "X", "country": "United States", "division_abbr": "CMMI", "start_year": 2024,
             "amount_usd": 1000}
    path = tmp_path / "new.jsonl"
    path.write_text(json.dumps(award) + "\n", encoding="utf-8")
    assert load(runtime, "awards", path, errors=None).rejected == 0
    assert len(runtime.term_vectors) == 9  # the store is the rebuild's: the new award has no row in it
    features = dict(candidate_features(runtime, LONG_PROBLEM))
    with runtime.db.session() as session:
        nova = session.scalar(select(Researcher.id).where(Researcher.name == "Nova Welder"))
    lowest = min(f["distinctive"] for f in features.values())  # what a candidate without a row is given
    assert features[nova]["distinctive"] > lowest
