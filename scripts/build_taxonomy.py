"""Build matcher/capabilities/data/taxonomy.jsonl from the shared taxonomy sources.

The extractor only reads the JSONL file, so the heavy filtering happens once, here:
a curated core of manufacturing capabilities (core_capabilities.tsv, highest priority),
the NIST research-theme / additive-manufacturing / CHIPS metrology trees, NAICS 2012
manufacturing industries with their index terms, and the OpenAlex topics of the
engineering, materials, energy, chemistry and applied-physics subfields with their keywords.

Usage: python scripts/build_taxonomy.py [--source ../shared/data/taxonomy/capability_taxonomy_all.csv]
"""
from __future__ import annotations

import argparse
import csv
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "matcher" / "capabilities" / "data"
DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "data" / "taxonomy" / "capability_taxonomy_all.csv"

# A phrase claimed by a scheme earlier in this list is dropped from later ones.
SCHEME_PRIORITY = ("innobridge_core", "nist_am", "nist_themes", "nist_chips_metrology", "naics2012", "openalex_topics")

# OpenAlex subfields kept: engineering, materials, energy, chemical engineering, chemistry,
# applied physics and the computing areas that manufacturing problems ask for.
OPENALEX_SUBFIELDS = {
    "1502", "1503", "1506", "1507", "1508",  # chemical engineering
    "1602", "1603", "1604", "1607",  # chemistry: analytical, electro, inorganic, spectroscopy
    "1702", "1704", "1707", "1711",  # AI, CAD, computer vision, signal processing
    "2102", "2103", "2104", "2105",  # energy
    "2202", "2203", "2204", "2205", "2206", "2207", "2208", "2209", "2210", "2211", "2212", "2213", "2215",
    "2500", "2502", "2503", "2504", "2505", "2506", "2507", "2508",  # materials science
    "3102", "3104", "3105", "3107",  # acoustics, condensed matter, instrumentation, optics
}
NIST_EXCLUDED_TOP = {"Forensics", "Health", "Public Safety", "Standards", "Advanced Communications"}

# Words that on their own say nothing about a capability; a phrase made only of these
# (plus stopwords) is too generic to be a synonym.
GENERIC_WORDS = set(
    """system systems model models modeling modelling analysis analyses design designs method methods
    performance evaluation data process processes processing application applications technology technologies
    development research study studies approach approaches theory framework frameworks management network networks
    technique techniques property properties structure structures material materials measurement measurements
    control optimization simulation simulations product products industry industries engineering science sciences
    mechanism mechanisms effect effects behavior behaviour characteristics quality energy power efficiency
    new novel advanced general other all applied based using use high low large small
    manufacturing production equipment machinery device devices part parts component components tool tools
    innovation innovations assessment monitoring detection prediction estimation identification classification
    environment environmental impact impacts review testing test tests surface interface interfaces
    temperature pressure speed hybrid digital ion low time field fields""".split()
)
STOPWORDS = set("a an and or of the in on for to with by from as at into its their e g i e etc".split())

# British <-> American word pairs, applied word by word in both directions.
SPELLING_PAIRS = {
    "aluminium": "aluminum", "fibre": "fiber", "fibres": "fibers", "colour": "color", "sulphur": "sulfur",
    "vapour": "vapor", "mould": "mold", "moulding": "molding", "moulded": "molded", "modelling": "modeling",
    "behaviour": "behavior", "centre": "center", "metre": "meter", "litre": "liter", "analyse": "analyze",
    "catalyse": "catalyze", "grey": "gray", "tyre": "tire", "tyres": "tires", "defence": "defense",
    "labour": "labor", "programme": "program", "manoeuvre": "maneuver", "aeroplane": "airplane",
    "aluminium-based": "aluminum-based", "caesium": "cesium", "haemoglobin": "hemoglobin", "oestrogen": "estrogen",
    "ageing": "aging", "sulphide": "sulfide", "sulphate": "sulfate", "optimisation": "optimization",
}
_REVERSE_PAIRS = {v: k for k, v in SPELLING_PAIRS.items()}
_IZE = re.compile(r"^(\w{4,})i([sz])(ation|ations|e|es|ed|ing|er|ers)$")


def norm_phrase(text: str) -> str:
    """Lowercase and squeeze whitespace so duplicates compare equal."""
    text = text.strip().lower().replace("\u2013", "-").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text)


def spelling_variants(phrase: str) -> set[str]:
    """Return the phrase with British/American spellings and hyphenation swapped, itself included."""
    out = {phrase}
    words = phrase.split(" ")
    swapped_words = []
    for w in words:
        alt = SPELLING_PAIRS.get(w) or _REVERSE_PAIRS.get(w)
        if alt is None:
            m = _IZE.match(w)
            if m:
                alt = f"{m.group(1)}i{'z' if m.group(2) == 's' else 's'}{m.group(3)}"
        swapped_words.append(alt or w)
    out.add(" ".join(swapped_words))
    for p in list(out):
        if "-" in p:
            out.add(p.replace("-", " "))
        if p.startswith("non-") or " non-" in p:
            out.add(p.replace("non-", "non"))
    return out


def is_specific(phrase: str) -> bool:
    """Keep multiword phrases with at least one non-generic content word."""
    words = re.findall(r"[a-z0-9]+", phrase)
    if len(phrase.split()) < 2 or len(phrase) < 5 or len(words) > 6:
        return False
    content = [w for w in words if w not in STOPWORDS]
    return any(w not in GENERIC_WORDS and not w.isdigit() for w in content)


def strip_label(label: str) -> str:
    """Drop parentheticals and NAICS 'Other' prefixes from a label before using it as a phrase."""
    label = re.sub(r"\([^)]*\)", " ", label)
    label = re.sub(r"^(all other|other)\s+", "", label.strip(), flags=re.I)
    return norm_phrase(label)


def read_core(path: Path) -> Iterator[dict]:
    """Curated capabilities: every synonym is kept, single words included (they were chosen by hand)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cid, label, parent, syns = line.split("\t")
        phrases = [norm_phrase(label)] + [norm_phrase(s) for s in syns.split("|") if s.strip()]
        yield {"id": cid, "label": label, "parent_id": parent or None, "scheme": "innobridge_core",
               "phrases": phrases, "curated": True}


def read_sources(path: Path) -> Iterator[dict]:
    """Rows of the combined shared table, filtered to manufacturing/engineering-relevant nodes."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    oa_keep: set[str] = set()
    for r in rows:
        if r["scheme"] == "openalex_topics" and r["level"] == "3" and r["id"].rsplit("/", 1)[-1] in OPENALEX_SUBFIELDS:
            oa_keep.add(r["id"])
            oa_keep.add(r["parent_id"])
    oa_keep.discard("")
    for r in rows:
        scheme = r["scheme"]
        phrases: list[str] = []
        if scheme.startswith("nist"):
            if r["path"].split(" > ")[0] in NIST_EXCLUDED_TOP:
                continue
            phrases = [strip_label(r["label"])]
        elif scheme == "naics2012":
            if r["level"] in ("2",):
                continue
            phrases = [strip_label(r["label"])]
            for term in r["keywords"].split(";"):
                term = norm_phrase(term)
                if not term or "," in term or "(" in term or "--" in term:
                    continue
                phrases.append(term)
                if term.endswith(" manufacturing"):
                    phrases.append(term[: -len(" manufacturing")])
        elif scheme == "openalex_topics":
            level = r["level"]
            if level == "1":
                continue
            if level in ("2", "3") and r["id"] not in oa_keep:
                continue
            if level == "4" and r["parent_id"] not in oa_keep:
                continue
            phrases = [strip_label(r["label"])] + [norm_phrase(k) for k in r["keywords"].split(";") if k.strip()]
        else:
            continue
        parent = r["parent_id"] or None
        if scheme == "openalex_topics" and r["level"] == "2":
            parent = None
        yield {"id": r["id"], "label": r["label"], "parent_id": parent, "scheme": scheme,
               "phrases": phrases, "curated": False}


def build(nodes: Iterable[dict]) -> list[dict]:
    """Expand spelling variants, drop generic phrases and give each phrase to one node only."""
    nodes = sorted(nodes, key=lambda n: SCHEME_PRIORITY.index(n["scheme"]))
    claimed: set[str] = set()
    out = []
    for n in nodes:
        synonyms: list[str] = []
        for phrase in n["phrases"]:
            if not phrase:
                continue
            if not n["curated"] and not is_specific(phrase):
                continue
            for variant in sorted(spelling_variants(phrase)):
                if variant not in claimed:
                    claimed.add(variant)
                    synonyms.append(variant)
        out.append({"id": n["id"], "label": n["label"], "parent_id": n["parent_id"],
                    "synonyms": synonyms, "scheme": n["scheme"]})
    ids = {n["id"] for n in out}
    for n in out:  # a parent outside the kept set would break ancestor walks
        if n["parent_id"] not in ids:
            n["parent_id"] = None
    return out


def main(argv: list[str] | None = None) -> None:
    """Write taxonomy.jsonl and print a short summary."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--out", type=Path, default=DATA_DIR / "taxonomy.jsonl")
    args = ap.parse_args(argv)
    nodes = list(read_core(DATA_DIR / "core_capabilities.tsv")) + list(read_sources(args.source))
    built = build(nodes)
    with args.out.open("w", encoding="utf-8") as fh:
        for n in built:
            fh.write(json.dumps(n, ensure_ascii=False) + "\n")
    n_syn = sum(len(n["synonyms"]) for n in built)
    print(f"wrote {len(built)} capabilities, {n_syn} phrases, {args.out.stat().st_size / 1e6:.2f} MB -> {args.out}")


if __name__ == "__main__":
    main()
