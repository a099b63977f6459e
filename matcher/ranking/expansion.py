"""Spelling and abbreviation variants added to a short problem's search terms.

A manufacturer writes "injection moulding of aluminium" and the evidence says "molding" and "aluminum"
(the stemmer keeps them apart: mould/mold, fibr/fiber); a three-word problem has no other words to fall
back on. The variants are added to the text the lexical searches see (never to what the user sees or what
the sentence encoder reads), and only for short texts: a long specification already says enough.
"""
from __future__ import annotations

import re

#: Longest problem text (in words) whose search terms are expanded (weights.json "expansion" overrides it).
SHORT_WORDS = 40

#: British and American spellings common in manufacturing texts (both directions are added).
SPELLINGS = {
    "mould": "mold", "moulds": "molds", "moulding": "molding", "mouldings": "moldings", "moulded": "molded",
    "aluminium": "aluminum", "fibre": "fiber", "fibres": "fibers", "colour": "color", "colours": "colors",
    "centre": "center", "centres": "centers", "metre": "meter", "metres": "meters", "litre": "liter",
    "sulphur": "sulfur", "sulphide": "sulfide", "grey": "gray", "tyre": "tire", "tyres": "tires",
    "vapour": "vapor", "behaviour": "behavior", "modelling": "modeling", "modelled": "modeled",
    "labelling": "labeling", "travelling": "traveling", "levelling": "leveling", "defence": "defense",
    "programme": "program", "draught": "draft", "plough": "plow", "ageing": "aging", "oestrogen": "estrogen",
    "haemoglobin": "hemoglobin", "anodising": "anodizing", "galvanised": "galvanized",
}
_BOTH_WAYS = {**SPELLINGS, **{american: british for british, american in SPELLINGS.items()}}
#: -ise / -isation spellings and their -ize forms ("optimisation" -> "optimization").
_ISE = re.compile(r"^([a-z]{3,})is(e|ed|es|ing|ation|ations|er|ers)$")
_IZE = re.compile(r"^([a-z]{3,})iz(e|ed|es|ing|ation|ations|er|ers)$")

#: Abbreviations a problem may use alone, and what the evidence spells out (both directions).
ABBREVIATIONS = {
    "cnc": "computer numerical control", "cfrp": "carbon fiber reinforced polymer",
    "gfrp": "glass fiber reinforced polymer", "ndt": "nondestructive testing", "nde": "nondestructive evaluation",
    "fea": "finite element analysis", "fem": "finite element method", "cfd": "computational fluid dynamics",
    "pcb": "printed circuit board", "plc": "programmable logic controller", "iot": "internet of things",
    "ai": "artificial intelligence", "ml": "machine learning", "ev": "electric vehicle", "pp": "polypropylene",
    "pe": "polyethylene", "pvc": "polyvinyl chloride", "pet": "polyethylene terephthalate", "abs": "acrylonitrile butadiene styrene",
    "cmm": "coordinate measuring machine", "edm": "electrical discharge machining", "mim": "metal injection molding",
    "lidar": "light detection and ranging", "uav": "unmanned aerial vehicle", "agv": "automated guided vehicle",
    "cvd": "chemical vapor deposition", "pvd": "physical vapor deposition", "hvac": "heating ventilation air conditioning",
    "mes": "manufacturing execution system", "erp": "enterprise resource planning", "oee": "overall equipment effectiveness",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]*")


def variants(word: str) -> list[str]:
    """Other spellings (and the spelled-out form of an abbreviation) of one word; [] when none."""
    w = word.lower()
    out = []
    if w in _BOTH_WAYS:
        out.append(_BOTH_WAYS[w])
    for pattern, letter in ((_ISE, "z"), (_IZE, "s")):
        m = pattern.match(w)
        if m:
            out.append(f"{m.group(1)}i{letter}{m.group(2)}")
    if w in ABBREVIATIONS and (word.isupper() or len(w) > 3):  # "PP" or "lidar", not the word "pet"
        out.append(ABBREVIATIONS[w])
    return out


def expand(text: str, short_words: int = SHORT_WORDS) -> str:
    """`text` followed by the variants of its words not already in it; unchanged when the text is long."""
    words = _WORD.findall(text)
    if not words or len(text.split()) > short_words or short_words <= 0:
        return text
    present = {w.lower() for w in words}
    extra: list[str] = []
    for word in words:
        for variant in variants(word):
            if variant not in present and variant not in extra:
                extra.append(variant)
    return f"{text} {' '.join(extra)}" if extra else text
