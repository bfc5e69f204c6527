"""WSGI apps for `scripts/bench.py http`, served by gunicorn with the production gunicorn.conf.py.

app        the production app (rate limit and query log off) plus GET /_bench/constant, a
           constant JSON answer from the same process: the serving ceiling of Flask + gunicorn on
           this machine.
naive_app  the naive baseline: a bare Flask app over the naive index (Whoosh + jieba's
           ChineseAnalyzer), one QueryParser query per request, ten titles back, written the way
           Whoosh's quick start does.

$POLICY_INDEX_DATA names the data folder, as for search_app.wsgi.
"""

import os
import sys
from pathlib import Path

from flask import Flask, jsonify, request

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from search_app import create_app  # noqa: E402

NAIVE_INDEX = "naive-index"
_which = os.environ.get("POLICY_INDEX_BENCH_APP", "app")


def _project_app() -> Flask:
    flask_app = create_app(test_config={"API_RATE_LIMIT": "", "QUERY_LOG": False})

    @flask_app.get("/_bench/constant")
    def constant():
        return jsonify({"status": "ok", "constant": True})

    return flask_app


def _naive_app() -> Flask:
    import jieba
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    jieba.initialize()
    ix = index.open_dir(str(Path(os.environ["POLICY_INDEX_DATA"]) / NAIVE_INDEX))
    naive = Flask("naive")

    @naive.get("/api/search")
    def search():
        parser = MultifieldParser(["title", "body"], ix.schema)
        with ix.searcher() as s:
            results = s.search(parser.parse(request.args.get("q", "")), limit=10)
            return jsonify(
                {
                    "total": len(results),
                    "results": [
                        {"id": h["id"], "title": h["title"], "url": h["url"]} for h in results
                    ],
                }
            )

    @naive.get("/_bench/constant")
    def constant():
        return jsonify({"status": "ok", "constant": True})

    return naive


# Only the app gunicorn was asked for is built (each one loads its own index).
app = _naive_app() if _which == "naive" else _project_app()
naive_app = app
