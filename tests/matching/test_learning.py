"""The learning loop: coordinators' judgements (simulated by a small dev set's qrels) improve the ranking
of queries it did not learn from, through `flask ranking learn` and the real match()."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from matcher.evalsets import read_queries
from evaluation.harness import evaluate
from matcher.ranking.learn import JudgedQuery, from_curation_export, learn
from matcher.ranking.scorer import DEFAULT_WEIGHTS, load_config

TOPICS = {
    "weld": ["laser welding porosity aluminium seams", "keyhole porosity in laser welded battery housings",
             "weld seam inspection of laser welded aluminium"],
    "coat": ["thermal spray coatings against corrosion", "corrosion protection of offshore steel by spray coating",
             "coating adhesion on corroded steel structures"],
    "mould": ["injection moulding cycle time of thin polypropylene parts", "cooling channels shorten moulding cycle",
              "warpage of thin walled injection moulded polypropylene"],
    "cnc": ["tool wear in milling of titanium alloys", "chatter suppression in high speed milling",
            "cutting tool wear monitoring in titanium machining"],
    "battery": ["lithium battery cell electrode coating", "electrode drying for lithium ion cells",
                "battery cell formation and electrode quality"],
    "vision": ["camera inspection of surface defects on machined parts", "deep learning defect detection images",
               "machine vision for scratch detection on metal surfaces"],
}


def _dev_set(folder: Path) -> None:
    """Two firms per topic, each with two documents; the firms of other topics have newer documents."""
    folder.mkdir()
    entities, documents, queries, qrels = [], [], [], ["query_id\tentity_id\trelevance"]
    for t, (topic, texts) in enumerate(TOPICS.items()):
        for f in range(2):
            firm = f"{topic}-firm-{f}"
            entities.append({"id": firm, "kind": "organization", "name": f"{topic.title()} Works {f}"})
            for d in range(2):
                documents.append({"id": f"{firm}-d{d}", "kind": "award", "title": texts[(f + d) % 3],
                                  "text": f"{texts[(f + d) % 3]}. {texts[(f + d + 1) % 3]}.", "year": 2000 + t,
                                  "entity_ids": [firm]})
        for q in range(6):
            words = " ".join(texts[q % 3].split()[q % 2:][:4 + q])
            queries.append({"id": f"q-{topic}-{q}", "text": words})
            qrels += [f"q-{topic}-{q}\t{topic}-firm-{f}\t1" for f in range(2)]
    for name, rows in (("entities.jsonl", entities), ("documents.jsonl", documents), ("queries.jsonl", queries)):
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (folder / "qrels.tsv").write_text("\n".join(qrels) + "\n", encoding="utf-8")
    (folder / "dataset.json").write_text(json.dumps({"name": "tiny", "relevant_min": 1}), encoding="utf-8")


def _starting_weights(path: Path) -> None:
    """A start that ignores relevance and prefers recent work: what learning has to correct."""
    data = json.loads(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))
    data["weights"].update(profile=0.0, lexical=0.0, semantic=0.0, distinctive=0.0, recency=1.0)
    data.pop("short", None)  # the shipped short-text weight set would rank these few-word queries by relevance
    path.write_text(json.dumps(data), encoding="utf-8")


def test_learning_from_judgements_improves_unseen_queries(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dev = tmp_path / "dev"
    _dev_set(dev)
    assert read_queries(dev, "tune") and read_queries(dev, "heldout")
    weights = tmp_path / "weights.json"
    _starting_weights(weights)
    before = evaluate(dev, split="heldout", semantic=False, verbose=False, weights=weights)

    result = runner.invoke(args=["ranking", "learn", "--dataset", str(dev), "--weights", str(weights),
                                 "--lexical-only"])
    assert result.exit_code == 0, result.output
    start_version = json.loads(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))["version"]
    assert f"version {start_version + 1}" in result.output
    report = json.loads(result.output.splitlines()[0])
    assert report["learned"]["ndcg@10"] > report["current"]["ndcg@10"]
    learned = json.loads(weights.read_text(encoding="utf-8"))
    assert learned["version"] == start_version + 1 and learned["weights"]["profile"] + learned["weights"]["profile_short"] > 0

    after = evaluate(dev, split="heldout", semantic=False, verbose=False, weights=weights)
    assert after["ndcg@10"] > before["ndcg@10"] + 0.1, (before, after)

    again = runner.invoke(args=["ranking", "learn", "--dataset", str(dev), "--weights", str(weights),
                                "--lexical-only"])
    assert again.exit_code == 0 and "kept the current weights" in again.output  # no better: no new version
    assert json.loads(weights.read_text(encoding="utf-8"))["version"] == start_version + 1


def test_the_held_out_split_is_refused(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dev = tmp_path / "dev"
    _dev_set(dev)
    shutil.copy(DEFAULT_WEIGHTS, tmp_path / "w.json")
    result = runner.invoke(args=["ranking", "learn", "--dataset", str(dev), "--split", "heldout",
                                 "--weights", str(tmp_path / "w.json")])
    assert result.exit_code != 0 and "never learned from" in result.output


def test_curation_decisions_become_graded_pairs() -> None:
    def record(problem: int, entity: str, decision: str, stage: str, profile: float) -> dict:  # type: ignore[type-arg]
        return {"problem": {"id": problem, "title": "Laser welding", "text": "porosity"}, "decision": decision,
                "stage": stage, "candidate": {"entity_id": entity}, "features": {"profile": profile, "rank": 1}}

    records = [record(1, "a", "approve", "approved", 2.0), record(1, "b", "reject", "rejected", 1.0),
               record(1, "a", "stage", "introduced", 2.0), record(2, "c", "approve", "approved", 1.0)]
    queries = from_curation_export(records)
    assert [q.query_id for q in queries] == ["1"]  # problem 2 has no pair
    assert queries[0].judged == {"a": 2.0, "b": 0.0}
    features = dict(queries[0].candidates)["a"]
    assert 0 < features["profile_short"] < 2.0  # rebuilt from the text's length


def test_learning_picks_the_informative_signal() -> None:
    queries = [JudgedQuery(f"q{i}", tuple((f"e{j}", {"profile": float(j == i % 5), "lexical": float(j % 2)})
                                          for j in range(5)), {f"e{i % 5}": 1.0}) for i in range(20)]
    start = dict(load_config().weights, profile=0.0, lexical=1.0, semantic=0.0)
    report = learn(queries, start, folds=4)
    assert report.better and report.learned["ndcg@10"] == 1.0
    assert report.weights["profile"] > abs(report.weights["lexical"])
