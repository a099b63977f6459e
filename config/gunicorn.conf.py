"""gunicorn settings for `make run` and production; each value can be overridden by GUNICORN_* env vars."""
import multiprocessing
import os

# One BLAS thread per worker: query encoding is a few small matrix products, and workers x BLAS
# threads on 2 cores oversubscribed them (measured: 16 -> 49 searches/s uncached with this set).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
# Load the app (and its read-only models) once in the master; workers share the memory pages.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() == "true"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 20
keepalive = 5
# A search is a GET (a results page can be shared and bookmarked), so the problem travels in the request line: a
# Korean character is 9 bytes there (%XX x 3), and gunicorn's default 4,094 bytes refused (414) any Korean problem
# over ~450 characters. 8,190 is gunicorn's maximum; the search boxes take 800 characters to stay under it.
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", 8190))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker) -> None:  # type: ignore[no-untyped-def]
    """Load the model, the index and the templates before this worker accepts its first request."""
    if os.environ.get("GUNICORN_WARM_UP", "true").lower() == "true":
        from web.warmup import warm_up

        warm_up(worker.wsgi)
