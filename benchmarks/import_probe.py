"""Re-measure the importer findings of issue 17 on generated files (parsers only, no database).

    .venv/bin/python benchmarks/import_probe.py            # prints one line per finding, then a JSON object

Each probe builds its input in a temporary directory (a 50 MB multi-line CSV field, 200,000 nested
arrays, a small XLSX holding 288 MB of sheet XML, 2,000 BibTeX @string macros for 100 entries, an
unclosed quote, a UTF-8 file with one Latin-1 row, NSF XML with one bad award) and reports what the
parsers yield: rows kept, rejects, seconds and peak RSS.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexers.sources import Parsed, RowError, parse  # noqa: E402


def _run(kind: str, path: Path) -> dict[str, object]:
    start = time.perf_counter()
    rows = list(parse(kind, path))
    seconds = time.perf_counter() - start
    errors = [r for r in rows if isinstance(r, RowError)]
    return {"kept": sum(isinstance(r, Parsed) for r in rows), "rejects": len(errors), "seconds": round(seconds, 2),
            "first_reject": str(errors[0])[-120:] if errors else None,
            "titles": [r.record.title if hasattr(r.record, "title") else r.record.name
                       for r in rows if isinstance(r, Parsed)][:4]}


def probes(tmp: Path) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    p = tmp / "huge.csv"
    with p.open("w", encoding="utf-8") as f:
        f.write('topic_id,title,description\np1,Good one,Porosity\np2,Huge,"')
        line = "porosity in the weld seam of the battery tray, again and again\n"
        for _ in range(50_000_000 // len(line)):
            f.write(line)
        f.write('"\np3,Good two,Cracks\n')
    out["50 MB multi-line field"] = _run("problems", p)
    p = tmp / "unclosed.csv"
    p.write_text('topic_id,title,description\np1,Good one,Porosity\np2,"Unclosed,Cracks\np3,Good two,Corrosion\n',
                 encoding="utf-8")
    out["unclosed quote"] = _run("problems", p)
    p = tmp / "mixed.csv"
    p.write_bytes("name,city\nMüller GmbH,Köln\n".encode() + "Grüße AG,Zürich\n".encode("latin-1"))
    out["UTF-8 file with one Latin-1 row"] = _run("firms", p)
    p = tmp / "deep.jsonl"
    p.write_text('{"title": "Good one"}\n' + "[" * 200_000 + '\n{"title": "t", "authors": 5}\n', encoding="utf-8")
    out["200k nested arrays, authors 5"] = _run("publications", p)
    p = tmp / "bomb.xlsx"
    row = b'<row><c t="inlineStr"><is><t>Scanning electron microscope</t></is></c></row>'
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(288_000_000 // (len(row) * 10_000)):
                sheet.write(row * 10_000)
    out[f"XLSX of {p.stat().st_size // 1000} kB with 288 MB sheet XML"] = _run("equipment", p)
    p = tmp / "macros.bib"
    p.write_text("".join(f"@string{{m{i} = {{Journal {i}}}}}\n" for i in range(2000))
                 + "".join(f"@article{{k{i},\n title = {{Paper {i}}},\n journal = m{i},\n year = 2020}}\n"
                           for i in range(100)), encoding="utf-8")
    out["BibTeX 2,000 macros, 100 entries"] = _run("publications", p)
    award = "<Award><AwardTitle>{}</AwardTitle><AwardID>{}</AwardID></Award>\n"
    p = tmp / "nsf.xml"
    p.write_text("<?xml version='1.0'?>\n<root>\n" + award.format("Good one", 1) + award.format("Bad & one", 2)
                 + award.format("Good two", 3) + "</root>\n", encoding="utf-8")
    out["NSF XML with a bad award in the middle"] = _run("awards", p)
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = probes(Path(tmp))
    for name, result in results.items():
        print(f"{name}: kept {result['kept']}, rejects {result['rejects']}, {result['seconds']} s; "
              f"{result['first_reject'] or ''}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"probes": results, "peak_rss_mb": round(peak)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
