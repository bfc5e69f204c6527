"""Production gunicorn settings for policy-index: `gunicorn -c gunicorn.conf.py search_app.wsgi:app`."""

import os

bind = os.environ.get("POLICY_INDEX_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("POLICY_INDEX_WORKERS", "2"))
threads = int(os.environ.get("POLICY_INDEX_THREADS", "4"))
worker_class = "gthread"
preload_app = True          # jieba's dictionary and OpenCC load once, then are shared by the workers
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then (a guard against slow leaks), rarely: a new worker opens the index and
# fills its caches again, and at 5,000 a loaded worker restarted every few seconds.
max_requests = 200_000
max_requests_jitter = 20_000
accesslog = "-"
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
    '"bytes": %(B)s, "duration_ms": %(M)s}'
)   # no client address or query string: the query log of issue 6 keeps what is needed, anonymously
errorlog = "-"
loglevel = os.environ.get("POLICY_INDEX_LOG_LEVEL", "info")


def pre_fork(server, worker):
    """Move what the preloaded app allocated (jieba's dictionary, OpenCC, the taxonomy) out of the
    garbage collector's reach, so collections in a worker do not touch, and so copy, the pages it
    shares with the master."""
    import gc

    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    """Open the index and build its per-version tables (facets, packages) before the first request."""
    service = getattr(worker.wsgi, "extensions", {}).get("policy_index")
    if service is not None:
        try:
            service.warm()
        except Exception as exc:  # noqa: BLE001  (no index yet: requests will say so clearly)
            worker.log.warning("index not opened at worker start: %s", exc)
