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
max_requests = 5000         # recycle workers now and then; jitter keeps them from restarting together
max_requests_jitter = 500
accesslog = "-"
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
    '"bytes": %(B)s, "duration_ms": %(M)s}'
)   # no client address or query string: the query log of issue 6 keeps what is needed, anonymously
errorlog = "-"
loglevel = os.environ.get("POLICY_INDEX_LOG_LEVEL", "info")
