"""The interface's names for the core's codes (kinds, stages, statuses) and its user-safe messages, in the
page's language.

The core (matcher/) knows nothing of Flask or of languages: it keeps English codes and English messages.
This module is where the web layer turns them into words for the reader; the strings are marked so that
`make translations` extracts them.
"""
from __future__ import annotations

import re
from flask import Flask
from flask_babel import get_locale, gettext, lazy_gettext as _l
from jinja2 import pass_context
from jinja2.runtime import Context

from matcher.regions import region_label
from matcher.services.outcomes import STAGE_LABELS

from .page_text import PageLabels


def N_(message: str) -> str:
    """Mark a string for extraction only; it is translated where it is shown (gettext(message))."""
    return message


KIND_LABELS = {"researcher": _l("Researcher"), "lab": _l("Lab"), "equipment": _l("Equipment"),
               "project": _l("Institute project"), "organization": _l("Organisation")}

#: Relevance bands (matcher.ranking.bands), shown instead of raw scores.
BAND_NAMES = {"strong": _l("Strong match"), "good": _l("Good match"), "weak": _l("Weak match")}

VISIBILITY_NAMES = {"private": _l("private"), "anonymous": _l("anonymous"), "public": _l("public")}

#: Problem, queue, job, import and request statuses (one word each, shown in tables and tags).
STATUS_NAMES = {
    "new": _l("new"), "curated": _l("curated"), "closed": _l("closed"), "all": _l("all"), "open": _l("open"),
    "queued": _l("queued"), "running": _l("running"), "done": _l("done"), "failed": _l("failed"),
    "ok": _l("ok"), "rejected_rows": _l("rows rejected"), "pending": _l("pending"), "sent": _l("sent"),
}

STAGE_NAMES = {
    "suggested": _l("Suggested"), "approved": _l("Approved"), "introduced": _l("Introduced"),
    "meeting": _l("Meeting"), "project_started": _l("Project started"), "commercialised": _l("Commercialised"),
    "rejected": _l("Rejected"), "closed": _l("Closed"),
}

DECISION_NAMES = {
    "add": _l("added"), "annotate": _l("note"), "approve": _l("approved"), "close": _l("closed"),
    "consent": _l("consent"), "correct": _l("correction"), "introduce": _l("introduced"), "pin": _l("pin"),
    "reject": _l("rejected"), "stage": _l("step"),
}

ROLE_NAMES = {"sme": _l("firm"), "researcher": _l("researcher"), "coordinator": _l("coordinator"),
              "admin": _l("administrator")}

DOCUMENT_KINDS = {"publication": _l("publication"), "award": _l("award"), "project": _l("project"),
                  "equipment": _l("equipment")}

#: Fields of an entity's profile page.
DETAIL_NAMES = {
    "orcid": "ORCID", "members": _l("Members"), "kind": _l("Kind"), "city": _l("City"), "country": _l("Country"),
    "ror_id": "ROR", "facility": _l("Facility"), "location": _l("Location"), "category": _l("Category"),
    "status": _l("Status"), "access_terms": _l("Access terms"), "acronym": _l("Acronym"),
    "programme": _l("Programme"), "start_date": _l("Start date"), "end_date": _l("End date"),
    "call_open": _l("Call opens"), "call_close": _l("Call closes"), "total_cost": _l("Total cost"),
}

#: Fields of a researcher or organisation record (data care, merge comparison).
FIELD_NAMES = {**DETAIL_NAMES, "name": _l("Name"), "email": _l("Email"), "organization_id": _l("Organisation id"),
               "bio": _l("Bio"), "region": _l("Region"), "website": _l("Website"), "description": _l("Description")}

#: The core's fixed user-safe messages (exceptions shown in flash messages), by their English text.
CORE_MESSAGES = frozenset((
    N_("the date cannot be in the future"), N_("the value must be a positive amount"),
    N_("a reason is required to close a match"), N_("this match is already closed or rejected"),
    N_("unknown stage"), N_("a reason is required to correct a stage"),
    N_("a correction moves a match back; use the normal actions to move it forward"),
    N_("unknown problem status"), N_("a reason is required to reject a match"),
    N_("a title is required"), N_("describe the problem in at least a sentence"),
    N_("the description is too long (20,000 characters at most)"),
    N_("the technology readiness level is between 1 and 9"), N_("unknown researcher"), N_("unknown capability"),
    N_("this publication is not linked to your profile"), N_("a valid email address is required"),
    N_("an account with this email already exists"), N_("unknown user"),
    N_("only researchers and organisations can be edited or merged here"), N_("a name is required"),
    N_("no such record"), N_("no organisation with that id"), N_("choose two different records"),
    N_("both records must exist"), N_("one of the records was already merged"),
    N_("the problem has no owner with an email address to introduce"),
    N_("approve the match before introducing the partner"),
    N_("this problem is anonymous: the firm must consent to the introduction first "
       "(record its consent, then send the introduction)"),
    # where a request or offer of help stands (matcher/services/requests.py): next step, who holds it
    N_("Requested"), N_("Nothing: the coordinator closed this request"), N_("nobody"),
    N_("A coordinator reviews your offer and asks the firm"), N_("You were introduced: the firm has your offer"),
    N_("you and the firm"), N_("Give your consent so the coordinator may name your firm to this partner"),
    N_("you"), N_("A coordinator reviews the request"), N_("The coordinator sends the introduction to both sides"),
    N_("Nothing: the collaboration reached the market"), N_("Meet the partner and tell the coordinator how it goes"),
    N_("you and the partner"),
    # a project's status from its dates (matcher/services/display.py), why two records look like duplicates
    N_("running"), N_("same normalised name"),
))

#: The core's messages that carry a value: English pattern -> translated template with the same groups.
CORE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the date cannot be before the problem was posted \((?P<date>[^)]*)\)"),
     N_("the date cannot be before the problem was posted (%(date)s)")),
    (re.compile(r"the date cannot be before the previous step \((?P<date>[^)]*)\)"),
     N_("the date cannot be before the previous step (%(date)s)")),
    (re.compile(r"this match is already (?P<stage>\w+)"), N_("this match is already %(stage)s")),
    (re.compile(r"no contact email on file for (?P<name>.+); add one under Data care "
                r"(?:\(Admin > Data care > Researchers\) )?first"),
     N_("no contact email on file for %(name)s; add one under Data care first")),
    (re.compile(r"at most (?P<count>\d+) regions"), N_("at most %(count)s regions")),
    (re.compile(r"the recency half-life must be between 0 and (?P<years>[\d.]+) years"),
     N_("the recency half-life must be between 0 and %(years)s years")),
    (re.compile(r"this record was merged into (?P<id>\S+); edit that one"),
     N_("this record was merged into %(id)s; edit that one")),
    (re.compile(r"another record already has this (?P<field>\w+); merge the two instead"),
     N_("another record already has this %(field)s; merge the two instead")),
    (re.compile(r"only a suggested or rejected match can be approved \(this one is (?P<stage>\w+)\)"),
     N_("only a suggested or rejected match can be approved (this one is %(stage)s)")),
    (re.compile(r"only a suggested or approved match can be rejected \(this one is (?P<stage>\w+)\)"),
     N_("only a suggested or approved match can be rejected (this one is %(stage)s)")),
    (re.compile(r"cannot move from (?P<old>.+) to (?P<new>.+); outcomes only move forward after an introduction"),
     N_("cannot move from %(old)s to %(new)s; outcomes only move forward after an introduction")),
    (re.compile(r"call open until (?P<date>\S+)"), N_("call open until %(date)s")),
    (re.compile(r"finished \((?P<date>[^)]*)\)"), N_("finished (%(date)s)")),
    (re.compile(r"planned \(starts (?P<date>[^)]*)\)"), N_("planned (starts %(date)s)")),
    (re.compile(r"running until (?P<date>\S+)"), N_("running until %(date)s")),
    (re.compile(r"same institution \((?P<name>.+)\)"), N_("same institution (%(name)s)")),
    (re.compile(r"same region \((?P<name>.+)\)"), N_("same region (%(name)s)")),
    (re.compile(r"(?P<count>\d+) shared documents?"), N_("%(count)s shared documents")),
    (re.compile(r"a (?P<name>[\w-]+) job is already running \(job (?P<job>\d+)\)"),
     N_("a %(name)s job is already running (job %(job)s)")),
)


_STAGES_BY_LABEL = {label: STAGE_NAMES[code] for code, label in STAGE_LABELS.items() if code in STAGE_NAMES}


def core_message(message: object) -> str:
    """A core exception's message in the page's language; an unknown one is shown as it is."""
    text = str(message)
    if str(get_locale() or "en") == "en":  # the core already speaks English
        return text
    if text in _STAGES_BY_LABEL:
        return str(_STAGES_BY_LABEL[text])
    if text in CORE_MESSAGES:
        return gettext(text)
    for pattern, template in CORE_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return gettext(template, **{k: str(STAGE_NAMES.get(v, _STAGES_BY_LABEL.get(v, v)))
                                        for k, v in found.groupdict().items()})
    return text


def sentence(message: object) -> str:
    """A core message as a sentence in a flash: capitalised, with a full stop (Korean needs neither)."""
    text = core_message(message)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def region_name(value: str | None, locale: str | None = None) -> str:
    """A stored region as the page's language names it ("KR-47" -> 경상북도 / Gyeongbuk; "OH" stays)."""
    return region_label(value, locale or str(get_locale() or "en")) or ""


def capability_name(label: str, capability_id: str | None = None, locale: str | None = None) -> str:
    """A capability as the page's language names it: its Korean label on a Korean page, when it has one."""
    if not (locale or str(get_locale() or "en")).startswith("ko"):
        return label
    from matcher.capabilities.extractor import get_extractor
    from matcher.capabilities.taxonomy import get_taxonomy

    found = get_taxonomy().by_label(label) if capability_id is None else None
    cid = capability_id or (found.id if found else None)
    return (get_extractor().korean_label(cid) if cid else None) or label


@pass_context
def _region_filter(context: Context, value: str | None) -> str:
    return region_name(value, _page_locale(context))


@pass_context
def _capability_filter(context: Context, label: str, capability_id: str | None = None) -> str:
    return capability_name(label, capability_id, _page_locale(context))


def _page_locale(context: Context) -> str | None:
    """The render's locale as the context processor read it (web.i18n), so filters need not ask Babel
    per value; None (ask Babel) in a template rendered without it."""
    locale = context.get("current_locale")
    return locale if isinstance(locale, str) else None


def _page_labels() -> dict[str, PageLabels]:
    """The labels a result list prints per match, translated once per render (web.page_text)."""
    return {"KIND_LABELS": PageLabels(KIND_LABELS), "BAND_NAMES": PageLabels(BAND_NAMES),
            "DOCUMENT_KINDS": PageLabels(DOCUMENT_KINDS)}


def init_app(app: Flask) -> None:
    from matcher.ranking.bands import band_of

    app.jinja_env.filters["core_text"] = core_message
    app.jinja_env.filters["capability_name"] = _capability_filter
    app.jinja_env.filters["region_name"] = _region_filter
    app.context_processor(_page_labels)
    app.jinja_env.filters["band"] = band_of
    app.jinja_env.globals.update(
        KIND_LABELS=KIND_LABELS, VISIBILITY_NAMES=VISIBILITY_NAMES, STATUS_NAMES=STATUS_NAMES,
        STAGE_NAMES=STAGE_NAMES, BAND_NAMES=BAND_NAMES, DECISION_NAMES=DECISION_NAMES, ROLE_NAMES=ROLE_NAMES,
        DOCUMENT_KINDS=DOCUMENT_KINDS, DETAIL_NAMES=DETAIL_NAMES, FIELD_NAMES=FIELD_NAMES, core_text=core_message,
    )
