"""Writes tests/fixtures/bad (the bad-input corpus) and its manifest; run it after changing a case."""
import json, os, io
from pathlib import Path
D = Path(__file__).resolve().parents[2] / "fixtures" / "bad"
M = []

def w(name, content, kind, exit, status, good, bad, why, fmt=None, encoding="utf-8"):
    data = content if isinstance(content, bytes) else content.encode(encoding)
    (D / name).write_bytes(data)
    e = {"file": name, "kind": kind, "exit": exit, "status": status, "good": good, "bad": bad, "why": why}
    if fmt: e["format"] = fmt
    M.append(e)

J = lambda *objs: "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)
P = lambda t, **k: dict({"title": t, "abstract": "Laser welding of aluminium battery trays.", "year": 2020}, **k)

# --- publications JSONL: wrong types --------------------------------------------------
w("pubs_authors_int.jsonl", J(P("Good one"), {"title": "t", "authors": 5}, P("Good two")),
  "publications", 1, "rejects", ["Good one", "Good two"], [[2, "authors"]], "authors is a number (TypeError on main)")
w("pubs_title_object.jsonl", J(P("Good one"), {"title": {"en": "x"}}, P("Good two")),
  "publications", 1, "rejects", ["Good one", "Good two"], [[2, "title"]], "title is a JSON object")
w("pubs_keywords_nested.jsonl", J(P("Good one"), P("Nested keywords", keywords=[["a"], ["b"]])),
  "publications", 1, "rejects", ["Good one"], [[2, "keywords"]], "keywords hold lists")
w("pubs_nul.jsonl", J(P("Good one"), P("Bad\u0000title"), P("Good two")),
  "publications", 1, "rejects", ["Good one", "Good two"], [[2, "title"]], "NUL character (PostgreSQL refuses it)")
w("pubs_not_objects.jsonl", J(P("Good one")) + "[1, 2]\n\"text\"\n5\n" + J(P("Good two")),
  "publications", 1, "rejects", ["Good one", "Good two"], [[2, "json"], [3, "json"], [4, "json"]], "lines that are not objects")
w("pubs_malformed.jsonl", J(P("Good one")) + '{"title": "unterminated\n' + J(P("Good two")),
  "publications", 1, "rejects", ["Good one", "Good two"], [[2, "json"]], "malformed JSON line")
w("pubs_deep_nesting.jsonl", J(P("Good one")) + '{"title": "deep", "authors": ' + "[" * 5000 + "]" * 5000 + "}\n" + J(P("Good two")),
  "publications", 1, "rejects", ["Good one", "Good two"], [[2, "json"]], "5,000 nested arrays (RecursionError on main)")
w("pubs_duplicate_doi.jsonl", J(P("Good one", doi="10.1/a"), P("Same DOI again", doi="10.1/a"), P("Good two", doi="10.1/b")),
  "publications", 1, "rejects", ["Good one", "Good two"], [[2, "id"]], "duplicate id in one file (overwrote on main)")
w("pubs_long_title.jsonl", J(P("Good one"), P("x" * 600)),
  "publications", 1, "rejects", ["Good one"], [[2, "title"]], "a 600-character title (truncated silently on main)")
w("pubs_bad_year.csv", "title,year,authors\nGood one,2020,Ada Smith\nBad year,soon,Bo Chen\nGood two,2019,Cy Diaz\n",
  "publications", 1, "rejects", ["Good one", "Good two"], [[3, "year"]], "unparsable year")

# --- OpenAlex -----------------------------------------------------------------------
def W(i, **k):
    base = {"id": f"https://openalex.org/W{i}", "title": f"Work {i}", "publication_year": 2021,
            "authorships": [{"author": {"display_name": "Ada Smith"}, "institutions": []}]}
    base.update(k); return base
w("openalex_authorships_str.jsonl", J(W(1), W(2, authorships=["x"]), W(3)),
  "publications", 1, "rejects", ["Work 1", "Work 3"], [[2, "authorships[1]"]], "authorships hold strings")
w("openalex_ids_list.jsonl", J(W(1), W(2, doi=None, ids=["https://doi.org/10.1/x"]), W(3)),
  "publications", 1, "rejects", ["Work 1", "Work 3"], [[2, "ids"]], "ids is a list")
w("openalex_positions_str.jsonl", J(W(1), W(2, abstract_inverted_index={"laser": ["a"]}), W(3)),
  "publications", 1, "rejects", ["Work 1", "Work 3"], [[2, "abstract_inverted_index"]], "non-integer inverted-index positions")
w("openalex_doi_int.jsonl", J(W(1), W(2, doi=5), W(3)),
  "publications", 1, "rejects", ["Work 1", "Work 3"], [[2, "doi"]], '"doi": 5')
w("openalex_author_not_object.jsonl", J(W(1), W(2, authorships=[{"author": "Ada"}]), W(3)),
  "publications", 1, "rejects", ["Work 1", "Work 3"], [[2, "authorships[1].author"]], "author is a string")
w("openalex_page_bad_items.json", json.dumps({"results": [W(1), 5, W(3, authorships="x"), W(4)]}),
  "publications", 1, "rejects", ["Work 1", "Work 4"], [[2, "json"], [3, "authorships"]], "an API page with bad items", fmt="openalex")
w("openalex_truncated.json", json.dumps([W(1), W(2)])[:-40],
  "publications", 1, "rejects", [], [[1, "json"]], "a cut-off JSON document", fmt="openalex")

# --- BibTeX / RIS -------------------------------------------------------------------
w("bib_broken_entry.bib", "@article{a,\n title = {Good one},\n year = 2020}\n\n@article{b,\n title = {Broken\n year = 2020\n\n@article{c,\n title = {Good two},\n year = 2021}\n",
  "publications", 1, "rejects", ["Good one", "Good two"], [[5, "entry"]], "an entry with an unclosed brace")
w("bib_macros.bib", "@string{jn = {Journal of Welding}}\n@string{ed = jn # { Letters}}\n@article{a,\n title = {Good one},\n journal = ed,\n year = 2020}\n@article{b,\n title = {Bad year},\n year = {twenty}}\n",
  "publications", 1, "rejects", ["Good one"], [[7, "year"]], "macros used through another macro; a bad year")
w("ris_no_end.ris", "TY  - JOUR\nTI  - Good one\nPY  - 2020\nER  - \nTY  - JOUR\nTI  - No end tag\nPY  - 2020\n",
  "publications", 1, "rejects", ["Good one"], [[5, "entry"]], "an RIS entry without ER")
w("ris_missing_title.ris", "TY  - JOUR\nTI  - Good one\nER  - \nTY  - JOUR\nPY  - 2020\nER  - \nTY  - JOUR\nTI  - Good two\nER  - \n",
  "publications", 1, "rejects", ["Good one", "Good two"], [[4, "title"]], "an RIS entry without a title")

# --- CSV structure ------------------------------------------------------------------
H = "topic_id,title,description\n"
w("problems_unclosed_quote.csv", H + 'p1,Good one,Porosity in welds\np2,"Unclosed title,Cracks in castings\np3,Good two,Corrosion of fasteners\np4,Good three,"Quoted, fine"\n',
  "problems", 1, "rejects", ["Good one", "Good two", "Good three"], [[3, "row"]], "an unclosed quote (merged rows silently on main)")
w("problems_unclosed_quote_last.csv", H + 'p1,Good one,Porosity\np2,Good two,Cracks\np3,"Never closed,Corrosion\n',
  "problems", 1, "rejects", ["Good one", "Good two"], [[4, "row"]], "an unclosed quote in the last row")
w("problems_quote_then_text.csv", H + 'p1,Good one,Porosity\np2,"Quoted"trailing,Cracks\np3,Good two,Corrosion\n',
  "problems", 1, "rejects", ["Good one", "Good two"], [[3, "row"]], "text after a closing quote")
w("problems_wrong_columns.csv", H + "p1,Good one,Porosity\np2,Too,many,columns\np3,Good two,Corrosion\np4,Too few\n",
  "problems", 1, "rejects", ["Good one", "Good two"], [[3, "row"], [5, "row"]], "wrong column counts")
w("problems_multiline_ok.csv", H + 'p1,Good one,"Porosity\nover two lines, with a comma"\np2,Inch marks 5" pipe,Leaks at 5" joints\n',
  "problems", 0, "ok", ["Good one", 'Inch marks 5" pipe'], [], "a legal multi-line field and inch marks: nothing rejected")
w("problems_nul.csv", H + "p1,Good one,Porosity\np2,Bad\x00title,Cracks\np3,Good two,Corrosion\n",
  "problems", 1, "rejects", ["Good one", "Good two"], [[3, "title"]], "a NUL character in a CSV field")
w("problems_long_title.csv", H + "p1,Good one,Porosity\np2," + "T" * 700 + ",Cracks\n",
  "problems", 1, "rejects", ["Good one"], [[3, "title"]], "a 700-character title (truncated silently on main)")
w("problems_duplicate_id.csv", H + "p1,Good one,Porosity\np1,Same id again,Cracks\np2,Good two,Corrosion\n",
  "problems", 1, "rejects", ["Good one", "Good two"], [[3, "id"]], "duplicate topic_id (overwrote on main)")
w("problems_bad_visibility.csv", "topic_id,title,description,visibility\np1,Good one,Porosity,public\np2,Secret,Cracks,secret\n",
  "problems", 1, "rejects", ["Good one"], [[3, "visibility"]], "unknown visibility")
w("problems_missing_text.csv", H + "p1,Good one,Porosity\np2,No description,\n",
  "problems", 1, "rejects", ["Good one"], [[3, "description"]], "missing required text")
w("problems_header_only.csv", H, "problems", 0, "ok", [], [], "a header and no rows")
w("problems_empty.csv", "", "problems", 0, "ok", [], [], "an empty file")
w("problems_semicolon.csv", "topic_id;title;description\np1;Good one;Porosity\np2;Bad;row;extra\n",
  "problems", 1, "rejects", ["Good one"], [[3, "row"]], "semicolon-separated with an extra column")
w("problems_bad_dates.jsonl", J({"title": "Good one", "text": "Porosity", "close_date": "2026-01-31"},
                                {"title": "Bad date", "text": "Cracks", "close_date": "31/31/2026"}),
  "problems", 1, "rejects", ["Good one"], [[2, "close_date"]], "an impossible date")
w("projects_bad_numbers.csv", "project_id,title,total_cost,participant_count\nx1,Good one,1000,3\nx2,Bad cost,lots,2\nx3,Bad count,10,1.5\n",
  "projects", 1, "rejects", ["Good one"], [[3, "total_cost"], [4, "n_participating_organisations"]], "unparsable cost; a fractional count")
w("awards_bad_amount.csv", "award_id,title,amount,institution\na1,Good one,1000,Uni A\na2,Bad amount,lots,Uni A\n",
  "awards", 1, "rejects", ["Good one"], [[3, "amount"]], "unparsable amount")
w("awards_investigator_object_name.jsonl", J({"award_id": "a1", "title": "Good one", "investigators": [{"name": "Ada Smith"}]},
                                             {"award_id": "a2", "title": "Bad investigator", "investigators": [{"name": {"x": 1}}]}),
  "awards", 1, "rejects", ["Good one"], [[2, "name"]], "an investigator's name is an object")

# --- NSF XML ------------------------------------------------------------------------
A = lambda i, t: f"<Award><AwardTitle>{t}</AwardTitle><AwardID>{i}</AwardID><AbstractNarration>Welding.</AbstractNarration></Award>\n"
w("nsf_bad_award_middle.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<rootTag>\n' + A(1, "Good one") + A(2, "Bad & title") + A(3, "Good two") + "</rootTag>\n",
  "awards", 1, "rejects", ["Good one", "Good two"], [[4, "xml"]], "a bad award in the middle (main dropped the rest)")
w("nsf_truncated.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<rootTag>\n' + A(1, "Good one") + "<Award><AwardTitle>Cut",
  "awards", 1, "rejects", ["Good one"], [[4, "xml"]], "a file cut in the middle of an award")
w("nsf_not_xml.xml", "this is not XML at all\n", "awards", 1, "rejects", [], [[1, "xml"]], "not XML")

# --- encodings ----------------------------------------------------------------------
w("firms_mixed_utf8_latin1.csv", "name,city\nMüller GmbH,Köln\n".encode() + "Grüße AG,Zürich\n".encode("latin-1") + "Société Générale,Paris\n".encode(),
  "firms", 1, "rejects", ["Müller GmbH", "Société Générale"], [[3, "encoding"]], "a UTF-8 file with one Latin-1 row (decoded whole as CP-1252 on main)")
w("firms_cp1252_with_utf8_line.csv", "name,city\nMüller GmbH,Köln\nGrüße AG,Zürich\n".encode("cp1252") + "Société Générale,Paris\n".encode(),
  "firms", 1, "rejects", ["Müller GmbH", "Grüße AG"], [[4, "encoding"]], "a CP-1252 file with one UTF-8 row")
w("firms_cp1252.csv", "name,city\nMüller GmbH,Köln\nGrüße AG,Zürich\n", "firms", 0, "ok", ["Müller GmbH", "Grüße AG"], [],
  "CP-1252 (old Excel)", encoding="cp1252")
KR = [("한국기후변화연구원", "춘천"), ("서울 의료원", "서울"), ("연세대학교 암병원", "서울"), ("강원도 삼척의료원", "삼척")]
w("firms_cp949_korean.csv", ("name,city\n" + "".join(f"{n},{c}\n" for n, c in KR)).encode("cp949"),
  "firms", 0, "ok", [n for n, _ in KR], [], "Korean names saved as CP949 (ROR aliases)")
w("firms_euckr_korean.csv", ("name,city,description\n" + "".join(f"{n},{c},정밀 가공 연구\n" for n, c in KR[:2])).encode("euc-kr"),
  "firms", 0, "ok", [n for n, _ in KR[:2]], [], "Korean names saved as EUC-KR")
broken = ("name,city\n" + f"{KR[0][0]},{KR[0][1]}\n").encode("cp949") + "국립".encode("cp949") + b"\xc7\x0a" [:1] + b",X\n" + f"{KR[1][0]},{KR[1][1]}\n".encode("cp949")
w("firms_cp949_broken_byte.csv", broken, "firms", 1, "rejects", [KR[0][0], KR[1][0]], [[3, "encoding"]],
  "CP949 with a broken byte sequence in one line")
w("firms_utf16.csv", "name,city\nMüller GmbH,Köln\n서울 의료원,서울\n", "firms", 0, "ok", ["Müller GmbH", "서울 의료원"], [],
  "UTF-16 with BOM", encoding="utf-16")

# --- XLSX / equipment ---------------------------------------------------------------
w("equipment_not_zip.xlsx", "name,institution\nSEM,Uni A\n", "equipment", 2, "failed", [], [[1, "file"]], "a CSV saved as .xlsx (BadZipFile on main)")
from openpyxl import Workbook
wb = Workbook(); ws = wb.active
ws.append(["name", "institution", "category"])
ws.append(["Scanning electron microscope", "Uni A", "microscopy"])
ws.append([None, "Uni A", "no name"])
ws.append(["X-ray diffractometer", "Uni B", "diffraction", "stray cell"])
ws.append(["Chairs", "Uni B", "furniture"])
ws.append(["Laser welder", "Uni C", "joining"])
buf = io.BytesIO(); wb.save(buf)
w("equipment_bad_rows.xlsx", buf.getvalue(), "equipment", 1, "rejects", ["Scanning electron microscope", "Laser welder"],
  [[3, "name"], [4, "row"]], "a sheet with a nameless row and an extra cell (furniture skipped, not rejected)")
w("equipment_jsonl_types.jsonl", J({"name": "SEM", "institution": "Uni A"}, {"name": ["a", "b"], "institution": "Uni A"},
                                   {"name": "Lathe", "institution": {"x": 1}}),
  "equipment", 1, "rejects", ["SEM"], [[2, "name"], [3, "institution"]], "wrong types in equipment rows")
w("firms_duplicate_award.jsonl", J({"firm_key": "f1", "firm_name": "Acme Inc", "award_id": "s1", "abstract": "Welding."},
                                   {"firm_key": "f1", "firm_name": "Acme Inc", "award_id": "s1", "abstract": "Other text."},
                                   {"firm_key": "f2", "firm_name": "Beta LLC", "award_id": "s2", "abstract": "Casting."}),
  "firms", 1, "rejects", ["Acme Inc", "Beta LLC"], [[2, "id"]], "the same award twice in one file")

(D / "manifest.json").write_text(json.dumps(M, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(len(M), "cases")
