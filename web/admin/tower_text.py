"""The control tower's titles, column names and fixed cells in the page's language.

The core computes the tables with English names (matcher knows no languages); charts, tables and CSV
files are drawn from the copy this module returns.
"""
from __future__ import annotations

import dataclasses
import re

from flask_babel import gettext

from matcher.services.control_tower import Table

from ..labels import N_, STAGE_NAMES, _STAGES_BY_LABEL, capability_name

TEXTS = frozenset((
    N_("Funnel by stage"), N_("Stage"), N_("Matches"), N_("From previous stage"), N_("From suggested"),
    N_("Counts and outcomes by region"), N_("Region"), N_("Problems"), N_("Approved"), N_("Introduced"),
    N_("Projects started"), N_("Commercialised"), N_("Value"), N_("Capability area"),
    N_("Median days from problem to introduction"), N_("Problems introduced"), N_("Median days"),
    N_("All regions"), N_("(no region)"), N_("(no capability)"), N_("Where the firms' requests stand"),
    N_("Requests"), N_("Requested"), N_("Problem"), N_("Offers of help"), N_("Introduction requests"),
))
CAPABILITY_TABLE = "capabilities"  # matcher.services.control_tower.capability_table's key
TOP = re.compile(r"Counts and outcomes by capability area \(top (?P<top>\d+)\)")
TOP_OFFERS = re.compile(r"Offers of help and requests per problem \(top (?P<top>\d+)\)")


def text(value: object) -> object:
    """One title, column name or cell: translated when it is one of the tower's fixed words."""
    if not isinstance(value, str):
        return value
    if value in _STAGES_BY_LABEL:
        return str(_STAGES_BY_LABEL[value])
    if value in STAGE_NAMES:
        return str(STAGE_NAMES[value])
    if value in TEXTS:
        return gettext(value)
    found = TOP.fullmatch(value)
    if found:
        return gettext("Counts and outcomes by capability area (top %(top)s)", top=found["top"])
    found = TOP_OFFERS.fullmatch(value)
    if found:
        return gettext("Offers of help and requests per problem (top %(top)s)", top=found["top"])
    return value


def _area_text(value: object) -> object:
    translated = text(value)
    return capability_name(translated) if isinstance(value, str) and translated == value else translated


def localised(table: Table) -> Table:
    """The table with its title, columns and first-column words in the page's language (capability areas by
    their Korean names on a Korean page)."""
    first = _area_text if table.key == CAPABILITY_TABLE else text
    rows = tuple((first(row[0]), *row[1:]) if row else row for row in table.rows)
    return dataclasses.replace(table, title=str(text(table.title)), columns=tuple(str(text(c)) for c in table.columns),
                               rows=rows)
