"""Probe finding 7: rate limits were counted per worker (2 workers allowed 20 of 40 logins at "10/min").

With RATELIMIT_STORAGE_URI=redis://... every worker counts in one place. Two app instances stand for
two gunicorn workers (each has its own limiter storage object, as separate processes would), talking
to the real Redis at 127.0.0.1:6379. CI sets REQUIRE_REDIS=1, so there this test cannot skip.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.mail.smtpd import free_port

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_or_skip() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but Redis at {REDIS_URL} is not reachable: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({exc}); CI sets REQUIRE_REDIS=1 and runs this")
    return client


@contextmanager
def _two_workers(app_config: dict[str, Any], storage: str, prefix: str) -> Iterator[list[str]]:
    """Two server processes on two ports with the same settings: two workers that share nothing in memory."""
    config = {**app_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "5 per minute",
              "WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": prefix}
    procs, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            proc = subprocess.Popen([sys.executable, "-m", "tests.faults.web.serve_app", str(port), json.dumps(config)],
                                    cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            procs.append(proc)
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
            urls.append(f"http://127.0.0.1:{port}")
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
            if proc.stdout is not None:
                proc.stdout.close()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    client = _redis_or_skip()
    prefix = f"t_harden_web_{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def _post_login(url: str) -> int:
    data = urllib.parse.urlencode({"email": "x@example.com", "password": "nope nope"}).encode()
    try:
        with urllib.request.urlopen(f"{url}/auth/login", data=data, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def _attempts(urls: list[str], total: int) -> list[int]:
    """Login attempts from one address, alternating between the workers as a load balancer would."""
    return [_post_login(urls[i % 2]) for i in range(total)]


@pytest.mark.slow
def test_two_workers_share_one_limit_in_redis(app_config, redis_prefix: str) -> None:
    with _two_workers(app_config, REDIS_URL, redis_prefix) as urls:
        codes = _attempts(urls, 12)
        assert codes.count(200) == 5, codes
        assert codes[5:] == [429] * 7


@pytest.mark.slow
def test_memory_storage_is_per_worker(app_config) -> None:
    """The control: without Redis each worker counts alone, so two allow twice the limit."""
    with _two_workers(app_config, "memory://", "unused") as urls:
        assert _attempts(urls, 12).count(200) == 10
