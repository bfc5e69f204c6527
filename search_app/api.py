"""The JSON API (the public contract): search, policies and their versions, packages, suggestions,
OpenAPI, health."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from indexer.schema import IndexDamaged, IndexMissing

from . import searchlog
from .forme import parse_profile
from .openapi import openapi_document
from .query import (
    MAX_SUGGEST_CHARS,
    NotFoundError,
    QueryError,
    check_package,
    parse_params,
    parse_version,
)

bp = Blueprint("api", __name__)


def _service():
    return current_app.extensions["policy_index"]


@bp.get("/api/search")
def search():
    svc = _service()
    params = parse_params(request.args, svc.tax, svc.config)
    return jsonify(searchlog.run(params, via="api").to_dict())


@bp.get("/api/policies/<doc_id>")
def policy(doc_id: str):
    doc = _service().document(doc_id) if len(doc_id) <= 64 else None
    if doc is None:
        abort(404, description=f"no policy with id {doc_id[:64]!r}")
    return jsonify(doc.contract_dict())


@bp.get("/api/policies/<doc_id>/versions")
def policy_versions(doc_id: str):
    history = _service().changelog.history(doc_id) if len(doc_id) <= 64 else None
    if history is None:
        raise NotFoundError(f"no policy with id {doc_id[:64]!r}")
    return jsonify(history.to_dict())


@bp.get("/api/policies/<doc_id>/versions/<n>")
def policy_version(doc_id: str, n: str):
    number = parse_version(n)
    found = _service().changelog.diff(doc_id, number) if len(doc_id) <= 64 else None
    if found is None:
        raise NotFoundError(f"no version {number} of a policy with id {doc_id[:64]!r}")
    return jsonify(found.to_dict())


@bp.get("/api/packages")
def packages():
    return jsonify({"packages": _service().package_counts()})


@bp.get("/api/packages/<region>/<scenario>")
def package(region: str, scenario: str):
    svc = _service()
    check_package(svc.tax, region, scenario)
    return jsonify(svc.package(region, scenario).to_dict())


@bp.get("/api/for-me")
def for_me():
    """One person's package: ordered steps, one per need (search_app/forme.py)."""
    svc = _service()
    profile = parse_profile(request.args, svc.tax)
    return jsonify(svc.for_me(profile).to_dict())


@bp.get("/api/suggest")
def suggest():
    q = request.args.get("q", "")
    if len(q) > MAX_SUGGEST_CHARS:
        raise QueryError(f"q is too long for suggestions (at most {MAX_SUGGEST_CHARS} characters)")
    if "\x00" in q:
        raise QueryError("q contains a NUL character")
    return jsonify({"query": q, "suggestions": _service().suggest(q)})


@bp.get("/api/openapi.json")
def openapi():
    svc = _service()
    return jsonify(openapi_document(svc.tax, svc.config))


@bp.get("/healthz")
def healthz():
    svc = _service()
    try:
        with svc.index.pinned() as s:
            documents, version = s.doc_count(), svc.index.version
    except (IndexMissing, IndexDamaged) as exc:
        return jsonify({"status": "unavailable", "error": str(exc)}), 503
    return jsonify({"status": "ok", "documents": documents, "index": version})
