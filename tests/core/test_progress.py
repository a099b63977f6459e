"""Progress must be visible where output is not a terminal (logs, CI, `make run | tee`)."""
from __future__ import annotations

import io
import time

from matcher.progress import Progress


def test_off_a_terminal_it_prints_plain_lines_and_a_final_one() -> None:
    out = io.StringIO()
    with Progress("demo: awards", stream=out, interval=0.05) as bar:
        bar.update_to(1200, 5432)
        time.sleep(0.3)
        bar.update_to(5432)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("demo: awards: 1,200/5,432 rows (22%),")
    assert lines[-1].startswith("demo: awards: 5,432/5,432 rows (100%),") and "done in" in lines[-1]
    assert "\r" not in out.getvalue()


def test_a_silent_step_still_prints_that_it_is_alive() -> None:
    out = io.StringIO()
    bar = Progress("indexing", unit="docs", stream=out, interval=0.05)
    bar.update_to(0, 11925)
    time.sleep(0.5)  # a rebuild reports only its start and its end
    assert out.getvalue().count("indexing: 0/11,925 docs (0%)") >= 2
    bar.close()
    bar.close()  # closing twice prints one final line
    assert out.getvalue().count("done in") == 1


def test_lines_are_spaced_by_the_interval() -> None:
    out = io.StringIO()
    with Progress("loading", stream=out, interval=3600.0) as bar:
        for done in range(1, 1000):
            bar.update_to(done)
    assert out.getvalue().splitlines() == [out.getvalue().splitlines()[-1]]  # only the final line
    assert "999 rows" in out.getvalue()


def test_nothing_counted_still_reports_an_unknown_total() -> None:
    out = io.StringIO()
    Progress("indexing", unit="docs", stream=out).close()
    assert out.getvalue().startswith("indexing: 0 docs, 0 docs/s done in")
