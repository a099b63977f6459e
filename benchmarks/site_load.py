"""Load benchmark of the search page: gunicorn on loopback, 20 concurrent clients, latency percentiles.

Usage: .venv/bin/python benchmarks/site_load.py [--seconds 20] [--clients 20] [--workers N]
Without DATABASE_URL/INDEX_DIR it builds the bundled demo in a temporary directory first.
Only 127.0.0.1 is ever contacted. The last line printed is one JSON object:
{"p50_ms": ..., "p95_ms": ..., "rps": ..., "server_cpu_ms_per_request": ..., "client_cpu_ms_per_request": ...,
"load_avg": ..., ...}; set SEARCH_CACHE_SECONDS=0 for cold searches. The client shares the machine's cores
with the server: its own CPU per request (threads, http.client, parsing) is what it takes from the server.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "porosity in laser welding of aluminium battery housings",
    "corrosion resistant coating for offshore steel",
    "machine vision inspection of surface defects",
    "additive manufacturing of titanium parts",
    "vibration analysis of gearboxes",
    "recycling of carbon fibre composites",
    "food packaging with lower plastic content",
    "predictive maintenance with sensors and machine learning",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_demo(env: dict[str, str]) -> None:
    """Create the schema and load the demo into the temporary database (as `make run` does)."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (["db", "upgrade"], ["demo", "load", "--if-empty"]):
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_ready(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not become ready")


def client_loop(port: int, stop_at: float, latencies: list[float], errors: list[int], seed: int) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop_at:
        path = "/search?q=" + quote_plus(rng.choice(QUERIES))
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status == 200:
                latencies.append(elapsed)
            else:
                errors.append(response.status)
        except (OSError, http.client.HTTPException):
            errors.append(0)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU of the gunicorn master and its live workers (Linux /proc; 0.0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    for proc in (pid, *map(int, children)):
        try:
            fields = Path(f"/proc/{proc}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: config)")
    args = parser.parse_args()

    env = dict(os.environ)
    env.setdefault("INNOBRIDGE_ENV", "development")
    env["RATELIMIT_ENABLED"] = "false"  # the benchmark measures the page, not the limiter
    tmp = None
    if not env.get("DATABASE_URL"):
        tmp = tempfile.TemporaryDirectory(prefix="innobridge-bench-")
        env["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.db"
        env["INDEX_DIR"] = f"{tmp.name}/index"
        print("loading the demo into", tmp.name, file=sys.stderr)
        prepare_demo(env)
    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env["GUNICORN_ACCESSLOG"] = "/dev/null" if os.name == "posix" else "-"
    env["GUNICORN_LOGLEVEL"] = "warning"
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "wsgi:app"]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    try:
        wait_ready(port)
        warm: list[float] = []
        warm_errors: list[int] = []
        client_loop(port, time.monotonic() + args.warmup, warm, warm_errors, seed=0)
        latencies: list[float] = []
        errors: list[int] = []
        stop_at = time.monotonic() + args.seconds
        cpu_before = server_cpu_seconds(server.pid)
        client_before = time.process_time()
        started = time.monotonic()
        threads = [threading.Thread(target=client_loop, args=(port, stop_at, latencies, errors, i))
                   for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - started
        client_cpu = time.process_time() - client_before
        server_cpu = server_cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if tmp is not None:
            tmp.cleanup()
    if not latencies:
        print(json.dumps({"error": "no successful requests", "errors": len(errors)}))
        return 1
    result = {
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "rps": round(len(latencies) / duration, 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "requests": len(latencies),
        "errors": len(errors),
        "clients": args.clients,
        "seconds": round(duration, 1),
        # The workers' CPU per answered search: the comparable figure on a shared machine.
        "server_cpu_ms_per_request": round(1000 * server_cpu / len(latencies), 1),
        "client_cpu_ms_per_request": round(1000 * client_cpu / len(latencies), 1),
        "load_avg": os.getloadavg(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
