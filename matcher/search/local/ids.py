"""Which ids a tantivy index holds: what `flask index check` compares with SQL."""
from __future__ import annotations

from collections.abc import Iterable

import tantivy

_BATCH = 1000


def present_ids(searcher: tantivy.Searcher, schema: tantivy.Schema, ids: Iterable[str]) -> set[str]:
    """The ids among `ids` that have a document in the index (a term-set query per thousand)."""
    wanted = list(dict.fromkeys(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start:start + _BATCH]
        query = tantivy.Query.term_set_query(schema, "id", chunk)
        for _, address in searcher.search(query, len(chunk)).hits:
            found.add(searcher.doc(address).get_first("id"))
    return found


def all_ids(searcher: tantivy.Searcher) -> set[str]:
    """Every id in the index (reads each stored document: for a check command, not for serving)."""
    total = int(searcher.num_docs)
    if not total:
        return set()
    hits = searcher.search(tantivy.Query.all_query(), total).hits
    return {searcher.doc(address).get_first("id") for _, address in hits}
