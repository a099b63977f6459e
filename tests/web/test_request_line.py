"""A problem as long as the search box takes reaches the app through gunicorn, in Korean too.

A search is a GET, so the problem travels in the request line, where a Korean character takes 9 bytes.
gunicorn's default limit (4,094 bytes) answered 414 to any Korean problem over ~450 characters. This runs
a real gunicorn with config/gunicorn.conf.py in front of a tiny WSGI app (tests/web/echo_app.py) and sends
the longest problem the search boxes accept.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOXES = [ROOT / "web/templates/public/_search_box.html", ROOT / "web/templates/admin/problem.html"]


def _box_limit(template: Path) -> int:
    found = re.search(r'name="q"[^>]*maxlength="(\d+)"', template.read_text(encoding="utf-8"))
    assert found, f"{template}: the search box has no maxlength"
    return int(found.group(1))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> str:  # type: ignore[misc]
    port = _free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", "GUNICORN_WARM_UP": "false",
           "GUNICORN_PRELOAD": "false", "GUNICORN_ACCESSLOG": "/dev/null"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config/gunicorn.conf.py"),
                             "tests.web.echo_app:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(url + "/", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("template", BOXES, ids=lambda p: p.name)
def test_the_longest_korean_problem_a_box_takes_gets_through(server: str, template: Path) -> None:
    limit = _box_limit(template)
    problem = ("알루미늄 배터리 트레이 레이저 용접부의 기공 문제를 해결할 연구 파트너를 찾습니다. " * 40)[:limit]
    query = urllib.parse.urlencode({"q": problem, "kind": "researcher", "region": "경상남도", "capability": "laser-welding",
                                    "page": "2"})
    with urllib.request.urlopen(f"{server}/search?{query}", timeout=10) as response:
        assert response.status == 200
        assert response.read().decode("utf-8") == problem  # the whole problem arrived


def test_a_request_line_beyond_the_limit_is_still_refused(server: str) -> None:
    """The limit is raised, not removed: an endless request line is no way to tie a worker up."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{server}/search?q={'%EC%95%8C' * 3000}", timeout=10)
    refused.value.close()
    assert refused.value.code in (400, 414)
