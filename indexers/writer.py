"""Turn parsed records into rows: upsert by stable id, resolve people and organisations, keep evidence.

Everything here is keyed so that writing the same record twice changes nothing: ids are
hashes of source keys, and documents carry a content hash so unchanged ones are skipped
(no re-extraction, no rewrite).

StoreWriter holds the row-level side: caches, organisation/lab/people resolution, documents,
batched inserts and evidence extraction. The pieces it builds on live beside it and their names are
re-exported here: keys.py (stable ids, name keys, content hashes), evidence.py (mentions ->
evidence rows) and record_writers.py (one parsed record of each kind -> writer calls, mixed in).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from indexers.evidence import MAX_EVIDENCE_PER_DOCUMENT, VALUE_COLUMNS, as_dicts, evidence_dicts, pair_evidence
from indexers.extract_pool import ExtractionPool
from indexers.institutions import RorEntry, ror_directory
from indexers.keys import content_hash, name_key, stable_id
from indexers.record_writers import FIRM_NAME, WRITERS, RecordWriters
from indexers.sources.names import display_name, normalise_person_name
from indexers.sources.records import Person
from matcher.capabilities.extractor import CapabilityExtractor
from matcher.regions import normalise_region
from matcher.models import (
    CapabilityEvidence,
    Document,
    DocumentEntity,
    Lab,
    Organization,
    Researcher,
    utcnow,
)

#: Column order of the evidence tuples flush_evidence() inserts.
EVIDENCE_COLUMNS = ("entity_id", "document_id", *VALUE_COLUMNS)
#: How sources write Korea's country; another country keeps a name from resolving to a Korean ROR record.
KOREA = frozenset({"KR", "KOR", "KOREA", "SOUTH KOREA", "REPUBLIC OF KOREA", "KOREA, REPUBLIC OF", "대한민국", "한국"})



def _plain_rows(table: Any, keys: tuple[str, ...], rows: list[dict[str, Any]]) -> bool:
    """Whether rows can be inserted as tuples: every row names the same columns of the table, and no
    column left out has a default or onupdate to compute (an autoincrement key may be left out)."""
    names = set(keys)
    if not names <= set(table.c.keys()):
        return False
    for column in table.c:
        if column.key not in names and (column.default is not None or column.server_default is not None
                                        or column.onupdate is not None) and not column.primary_key:
            return False
    return all(len(row) == len(keys) and row.keys() == names for row in rows)


def _processed(values: tuple[Any, ...], converted: list[tuple[int, Any]]) -> tuple[Any, ...]:
    """One row's values with those of the columns that have a bind processor passed through it."""
    out = list(values)
    for i, process in converted:
        out[i] = process(out[i])
    return tuple(out)


def _foreign(country: str | None) -> bool:
    """Whether a source placed the organisation in a country other than Korea."""
    return bool(country) and country.strip().upper() not in KOREA  # type: ignore[union-attr]


__all__ = [
    "FIRM_NAME", "MAX_EVIDENCE_PER_DOCUMENT", "WRITERS", "PendingDocument", "StoreWriter", "content_hash",
    "evidence_dicts", "name_key", "stable_id",
]


@dataclass(frozen=True)
class PendingDocument:
    """A document written in this batch whose capabilities still need extracting."""

    id: str
    title: str
    text: str


class StoreWriter(RecordWriters):
    """Writes records through one session; caches lookups so a large import does few queries."""

    def __init__(self, session: Session, extractor: CapabilityExtractor | None = None,
                 pool: ExtractionPool | None = None) -> None:
        self.session = session
        self.extractor = extractor
        self.pool = pool  # evidence extracted ahead in worker processes, taken by text pair
        self._orgs_by_key: dict[str, str] = {}
        self._orgs_by_ror: dict[str, str] = {}
        self._foreign_orgs: set[str] = set()  # organisations a source placed outside Korea
        self._researchers_by_orcid: dict[str, str] = {}
        self._researchers_by_email: dict[str, str] = {}
        self._researchers_by_name: dict[tuple[str, str | None], str] = {}
        self._labs: set[str] = set()
        self._doc_hashes: dict[str, str | None] = {}
        self._cache_loaded = False
        # Rows created in this batch, inserted together (parents first) by flush().
        self._new_orgs: dict[str, dict[str, Any]] = {}
        self._new_labs: dict[str, dict[str, Any]] = {}
        self._new_researchers: dict[str, dict[str, Any]] = {}
        self._new_docs: list[dict[str, Any]] = []
        self._new_links: list[dict[str, Any]] = []
        self.pending: list[PendingDocument] = []
        self.touched_entities: set[str] = set()
        self.unchanged_ids: list[str] = []  # unchanged documents: the index may still lack them
        self.changed = 0
        self.unchanged = 0

    # -- caches ---------------------------------------------------------------------------------
    def _load_caches(self) -> None:
        if self._cache_loaded:
            return
        for oid, key, ror, country in self.session.execute(
                select(Organization.id, Organization.name_key, Organization.ror_id, Organization.country)):
            self._orgs_by_key.setdefault(key, oid)
            if ror:
                self._orgs_by_ror[ror] = oid
            if _foreign(country):
                self._foreign_orgs.add(oid)
        rows = self.session.execute(
            select(Researcher.id, Researcher.orcid, Researcher.email, Researcher.name_key, Researcher.organization_id)
        )
        for rid, orcid, email, nkey, org in rows:
            if orcid:
                self._researchers_by_orcid[orcid] = rid
            if email:
                self._researchers_by_email[email.lower()] = rid
            self._researchers_by_name.setdefault((nkey, org), rid)
        self._labs.update(self.session.scalars(select(Lab.id)))
        self._doc_hashes.update((i, h) for i, h in self.session.execute(select(Document.id, Document.content_hash)))
        self._cache_loaded = True

    # -- organisations, labs, people -------------------------------------------------------------
    def organization(self, name: str, *, kind: str = "other", ror_id: str | None = None, country: str | None = None,
                     region: str | None = None, city: str | None = None, website: str | None = None,
                     description: str | None = None, aliases: Sequence[str] = ()) -> str:
        """The id of the organisation with this ROR id or normalised name, created on first sight.

        A name the bundled ROR table knows (a Korean name, an alias, an acronym: indexers/institutions.py)
        takes that record's ROR id, so "한국과학기술원" and "Korea Advanced Institute of Science and
        Technology" are one organisation; it is created under ROR's name with the other names as aliases.
        """
        self._load_caches()
        entry = self._ror_entry(name, ror_id, country)
        if entry is not None:
            ror_id, aliases = entry.ror_id, (*aliases, *entry.aliases)
            region, city = region or entry.region, city or entry.city
            country = country or "KR"
        key = name_key(name)
        if ror_id and ror_id in self._orgs_by_ror:
            return self._orgs_by_ror[ror_id]
        known = self._orgs_by_key.get(key) or (self._orgs_by_key.get(name_key(entry.name)) if entry else None)
        if known is not None and not (entry is not None and known in self._foreign_orgs):
            if ror_id:
                self._orgs_by_ror[ror_id] = known
            return known
        display = entry.name if entry is not None else name.strip()
        oid = stable_id("organization", f"ror:{ror_id}" if ror_id else f"name:{key}")
        others = [a for a in dict.fromkeys(a.strip() for a in (name, *aliases)) if a and a != display]
        self._new_orgs[oid] = {"id": oid, "name": display[:500], "name_key": name_key(display)[:500], "kind": kind,
                               "ror_id": ror_id, "country": country, "region": normalise_region(region), "city": city,
                               "website": website, "description": description,
                               "extra": {"aliases": others} if others else {}}
        for alias in (display, *others):
            self._orgs_by_key.setdefault(name_key(alias), oid)
        if ror_id:
            self._orgs_by_ror[ror_id] = oid
        if _foreign(country):
            self._foreign_orgs.add(oid)
        return oid

    @staticmethod
    def _ror_entry(name: str, ror_id: str | None, country: str | None) -> RorEntry | None:
        """The bundled (Korean) ROR record for this ROR id, or for this name unless the source says the
        organisation is in another country (a US firm called "KERI" is not the Korea Electrotechnology
        Research Institute)."""
        directory = ror_directory()
        if directory is None:
            return None
        if ror_id:
            return directory.by_id(ror_id)
        if _foreign(country):
            return None
        return directory.find(name)

    def lab(self, name: str, organization_id: str | None, description: str | None = None) -> str:
        lab_id = stable_id("lab", f"{organization_id}|{name_key(name)}")
        self._load_caches()
        if lab_id not in self._labs:
            self._new_labs[lab_id] = {"id": lab_id, "name": name[:500], "organization_id": organization_id,
                                      "description": description}
            self._labs.add(lab_id)
        return lab_id

    def researcher(self, person: Person, organization_id: str | None, lab_id: str | None = None) -> str:
        """Resolve a person: same ORCID or same email is one researcher; else same name within one institution."""
        self._load_caches()
        orcid = (person.orcid or "").strip() or None
        email = (person.email or "").strip().lower() or None
        nkey = normalise_person_name(person.name)
        rid = (
            (orcid and self._researchers_by_orcid.get(orcid))
            or (email and self._researchers_by_email.get(email))
            or self._researchers_by_name.get((nkey, organization_id))
        )
        if not rid:
            basis = f"orcid:{orcid}" if orcid else f"name:{nkey}|{organization_id}"
            rid = stable_id("researcher", basis)
            self._new_researchers[rid] = {
                "id": rid, "name": display_name(person.name)[:300], "name_key": nkey[:300], "orcid": orcid,
                "email": email, "organization_id": organization_id, "lab_id": lab_id, "digest_frequency": "off",
                "regions_of_interest": [], "removed_capabilities": [], "added_capabilities": []}
        elif orcid or email:
            self._fill_identifiers(rid, orcid, email)
        if orcid:
            self._researchers_by_orcid[orcid] = rid
        if email:
            self._researchers_by_email[email] = rid
        self._researchers_by_name.setdefault((nkey, organization_id), rid)
        return rid

    def _fill_identifiers(self, rid: str, orcid: str | None, email: str | None) -> None:
        """A later record may bring an ORCID or email the first one lacked; keep it unless another holds it."""
        queued = self._new_researchers.get(rid)
        if queued is not None:
            if orcid and not queued["orcid"] and orcid not in self._researchers_by_orcid:
                queued["orcid"] = orcid
            if email and not queued["email"] and email not in self._researchers_by_email:
                queued["email"] = email
            return
        researcher = self.session.get(Researcher, rid)
        if researcher is None:
            return
        if orcid and not researcher.orcid and orcid not in self._researchers_by_orcid:
            researcher.orcid = orcid
        if email and not researcher.email and email not in self._researchers_by_email:
            researcher.email = email

    def _attach_lab(self, researcher_id: str, lab_id: str | None) -> None:
        if lab_id is None:
            return
        queued = self._new_researchers.get(researcher_id)
        if queued is not None:
            queued["lab_id"] = queued["lab_id"] or lab_id
            return
        self.flush()
        self.session.execute(update(Researcher).where(Researcher.id == researcher_id, Researcher.lab_id.is_(None))
                             .values(lab_id=lab_id))

    # -- documents --------------------------------------------------------------------------------
    def document(self, doc_id: str, *, kind: str, title: str, text: str, links: Sequence[tuple[str, str, str | None]],
                 year: int | None = None, venue: str | None = None, doi: str | None = None, url: str | None = None,
                 source: str | None = None, extra: dict[str, Any] | None = None) -> bool:
        """Upsert a document and its ordered entity links; returns True when anything changed.

        `links` are (entity_id, entity_kind, role) in author order. A researcher's exclusion of the
        document survives re-imports.
        """
        self._load_caches()
        digest = content_hash(kind, title, text, year, venue, doi, url, [l[:2] for l in links])
        known = doc_id in self._doc_hashes
        if known and self._doc_hashes[doc_id] == digest:
            self.unchanged += 1
            self.unchanged_ids.append(doc_id)
            return False
        self._doc_hashes[doc_id] = digest
        payload = dict(extra or {})
        excluded: set[str] = set()
        if known:
            self.flush()
            excluded = set(self.session.scalars(select(DocumentEntity.entity_id).where(
                DocumentEntity.document_id == doc_id, DocumentEntity.excluded.is_(True))))
            self.session.execute(delete(DocumentEntity).where(DocumentEntity.document_id == doc_id))
            self.session.execute(delete(CapabilityEvidence).where(CapabilityEvidence.document_id == doc_id))
            self.session.execute(update(Document).where(Document.id == doc_id).values(
                kind=kind, title=title, text=text, year=year, venue=venue, doi=doi, url=url, source=source,
                extra=payload, content_hash=digest))
        else:
            self._new_docs.append({"id": doc_id, "kind": kind, "title": title, "text": text, "year": year,
                                   "venue": venue, "doi": doi, "url": url, "source": source, "extra": payload,
                                   "content_hash": digest, "created_at": utcnow()})
        seen: set[str] = set()
        rows = []
        for position, (entity_id, entity_kind, role) in enumerate(links):
            if entity_id in seen:
                continue
            seen.add(entity_id)
            rows.append({"document_id": doc_id, "entity_id": entity_id, "entity_kind": entity_kind,
                         "position": position, "role": role, "excluded": entity_id in excluded})
            self.touched_entities.add(entity_id)
        if known:
            if rows:
                self.session.execute(insert(DocumentEntity), rows)
        else:
            self._new_links.extend(rows)
        self.pending.append(PendingDocument(doc_id, title, text))
        self.changed += 1
        return True

    def flush(self) -> None:
        """Insert the rows queued in this batch, parents first, each kind in one Core executemany."""
        for model, queue in ((Organization, self._new_orgs), (Lab, self._new_labs),
                             (Researcher, self._new_researchers)):
            if queue:
                self._insert(model, list(queue.values()))
                queue.clear()
        if self._new_docs:
            self._insert(Document, self._new_docs)
            self._new_docs.clear()
        if self._new_links:
            self._insert(DocumentEntity, self._new_links)
            self._new_links.clear()

    def _insert(self, model: Any, rows: list[dict[str, Any]]) -> None:
        """executemany on the session's connection: no ORM bookkeeping for rows nobody reads back here.

        On SQLite, rows that all name the same columns and leave none with a default unset go through
        the driver as tuples, each value passed through its column type's own bind processor (JSON,
        dates, booleans): what Core's executemany sends, without its per-row parameter bookkeeping
        (SQLAlchemy's compile and parameter steps were most of the Python time of these inserts in a
        profile of the importer)."""
        connection = self.session.connection()
        table = model.__table__
        keys = tuple(rows[0])
        if connection.dialect.name != "sqlite" or not _plain_rows(table, keys, rows):
            connection.execute(table.insert(), rows)
            return
        dialect = connection.dialect
        converted = [(i, process) for i, k in enumerate(keys)
                     if (process := table.c[k].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
        pick = itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))
        values: list[Any] = [pick(row) for row in rows]
        if converted:
            values = [_processed(row_values, converted) for row_values in values]
        columns = ", ".join(dialect.identifier_preparer.quote(k) for k in keys)
        connection.exec_driver_sql(f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({columns}) "
                                   f"VALUES ({', '.join('?' * len(keys))})", values)

    def flush_evidence(self) -> None:
        """Insert queued rows, then the evidence of this batch's documents: taken from the worker
        processes where they extracted it ahead, else extracted here."""
        self.flush()
        if not self.pending or self.extractor is None:
            self.pending.clear()
            return
        pairs = [(doc.title, doc.text) for doc in self.pending]
        ready = self.pool.take(pairs) if self.pool is not None else {}
        rows: list[tuple[Any, ...]] = []
        for doc, pair in zip(self.pending, pairs):
            values = ready.get(pair)
            if values is None:
                values = pair_evidence(self.extractor, *pair)
            rows.extend((doc.id, doc.id, *row) for row in values)
        if rows:
            self._insert_evidence(rows)
        self.pending.clear()

    def _insert_evidence(self, rows: list[tuple[Any, ...]]) -> None:
        """The bulk of an import's rows (several per document), as plain tuples: COPY on PostgreSQL (one
        stream instead of a statement per row), else the driver's executemany. The values are strings
        and numbers, so no type processing is skipped."""
        connection = self.session.connection()
        columns = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in EVIDENCE_COLUMNS)
        table = CapabilityEvidence.__tablename__
        if connection.dialect.name == "postgresql":
            with connection.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        mark = "?" if connection.dialect.paramstyle in ("qmark", "numeric") else "%s"
        connection.exec_driver_sql(f"INSERT INTO {table} ({columns}) "
                                   f"VALUES ({', '.join([mark] * len(EVIDENCE_COLUMNS))})", rows)

    def _entity_evidence(self, entity_id: str, title: str, text: str) -> None:
        """Equipment and projects are their own evidence: capabilities come from their own text."""
        self.session.execute(delete(CapabilityEvidence).where(CapabilityEvidence.entity_id == entity_id))
        if self.extractor is None:
            return
        pair = (title, text)
        values = self.pool.take([pair]).get(pair) if self.pool is not None else None
        if values is None:
            values = pair_evidence(self.extractor, title, text)
        if values:
            self._insert(CapabilityEvidence, as_dicts(entity_id, None, values))
