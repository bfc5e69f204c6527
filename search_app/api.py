"""The JSON API (the public contract): search, policies, packages, suggestions, OpenAPI, health."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from indexer.schema import IndexDamaged, IndexMissing

from . import searchlog
from .openapi import openapi_document
from .query import QueryError, parse_params

bp = Blueprint("api", __name__)


def _service():
    return current_app.extensions["policy_index"]


@bp.get("/api/search")
def search():
    svc = _service()
    params = parse_params(request.args, svc.tax)
    return jsonify(searchlog.run(params, via="api").to_dict())


@bp.get("/api/policies/<doc_id>")
def policy(doc_id: str):
    doc = _service().document(doc_id) if len(doc_id) <= 64 else None
    if doc is None:
        abort(404, description=f"no policy with id {doc_id[:64]!r}")
    return jsonify(doc.contract_dict())


@bp.get("/api/packages")
def packages():
    return jsonify({"packages": _service().package_counts()})


def package_payload(region: str, scenario: str) -> dict:
    """One package with its policies, for the API and the package page alike."""
    svc = _service()
    tax = svc.tax
    if region not in tax.regions or scenario not in tax.scenarios:
        abort(404, description=f"no package {region[:40]}/{scenario[:40]}")
    if region not in tax.communities:
        abort(
            404,
            description="packages exist for the eight talent communities; "
            f"{region} policies are part of every community's packages",
        )
    info = tax.package(region, scenario)
    docs = svc.documents(svc.package_ids(region, scenario))
    return {
        "key": info.key,
        "region": region,
        "scenario": scenario,
        "title_zh": info.title_zh,
        "title_en": info.title_en,
        "description_zh": info.description_zh,
        "description_en": info.description_en,
        "count": len(docs),
        "policies": [
            {k: v for k, v in d.contract_dict().items() if k not in ("text", "links", "provenance")}
            for d in docs
        ],
    }


@bp.get("/api/packages/<region>/<scenario>")
def package(region: str, scenario: str):
    return jsonify(package_payload(region, scenario))


@bp.get("/api/suggest")
def suggest():
    q = request.args.get("q", "")
    if len(q) > 100:
        raise QueryError("q is too long for suggestions (at most 100 characters)")
    if "\x00" in q:
        raise QueryError("q contains a NUL character")
    return jsonify({"query": q, "suggestions": _service().suggest(q)})


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz():
    svc = _service()
    try:
        svc.index.searcher()
    except (IndexMissing, IndexDamaged) as exc:
        return jsonify({"status": "unavailable", "error": str(exc)}), 503
    s = svc.index.searcher()
    return jsonify({"status": "ok", "documents": s.doc_count(), "index": svc.index._key[0]})
