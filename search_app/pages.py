"""HTML pages: home, search, policy, community packages, package — views over the same data as the API."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.datastructures import MultiDict

from indexer import settings
from indexer.documents import doc_id as id_of

from .api import package_payload
from .query import parse_params

bp = Blueprint("pages", __name__)
DOC_LANG_PARAM = "doclang"  # on pages `lang` chooses the interface language


def _service():
    return current_app.extensions["policy_index"]


def url_with(**changes) -> str:
    """The current search URL with some parameters changed (None removes one); page resets."""
    args = MultiDict(request.args)
    if "page" not in changes:
        args.pop("page", None)
    for k, v in changes.items():
        args.pop(k, None)
        if v not in (None, ""):
            args[k] = v
    return url_for("pages.search", **args.to_dict())


@bp.app_context_processor
def _helpers():
    svc = current_app.extensions["policy_index"]
    tax = svc.tax
    lang = getattr(g, "ui_lang", "zh")

    def region_label(slug):
        return tax.region_label(slug, lang)

    def scenario_label(slug):
        return tax.scenario_label(slug, lang)

    def lang_switch_url():
        other = "en" if lang == "zh" else "zh"
        args = request.args.to_dict()
        args["lang"] = other
        return url_for(request.endpoint or "pages.home", **(request.view_args or {}), **args)

    return {"tax": tax, "ui_lang": lang, "region_label": region_label, "scenario_label": scenario_label,
            "url_with": url_with, "lang_switch_url": lang_switch_url}


@bp.get("/")
def home():
    svc = _service()
    counts = {p["key"]: p["count"] for p in svc.package_counts()}
    return render_template("home.html", counts=counts)


@bp.get("/search")
def search():
    svc = _service()
    params = parse_params(request.args, svc.tax, lang_param=DOC_LANG_PARAM)
    resp = svc.search(params)
    return render_template("search.html", r=resp, p=params)


@bp.get("/policies/<doc_id>")
def policy(doc_id: str):
    svc = _service()
    doc = svc.document(doc_id) if len(doc_id) <= 64 else None
    if doc is None:
        abort(404, description=f"没有找到这份政策 / No policy with id {doc_id[:64]}")
    related = []
    for link in doc.links:
        target = svc.document(id_of(link["url"]))
        related.append({"rel": link["rel"], "url": link["url"], "text": link["text"],
                        "doc": target})
    return render_template("policy.html", d=doc, related=related, source_url=_source_url(doc.url))


def _source_url(url: str) -> str:
    """Where a reader can see the page the document came from: sample pages are served here."""
    if url.startswith(settings.SAMPLE_BASE_URL):
        return url_for("pages.sample_page", path=url[len(settings.SAMPLE_BASE_URL):])
    return url


@bp.get("/samples/<path:path>")
def sample_page(path: str):
    """The bundled sample site, as the crawler read it (static, read-only)."""
    resp = send_from_directory(str(settings.get("sample_site")), path)
    resp.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'"
    return resp


@bp.get("/packages/<region>")
def community(region: str):
    svc = _service()
    tax = svc.tax
    if region not in tax.communities:
        abort(404, description=f"没有这个人才社区 / No talent community called {region[:40]}")
    scenes = []
    for scenario in tax.scenarios:
        ids = svc.package_ids(region, scenario)
        scenes.append({"info": tax.package(region, scenario), "scenario": scenario, "count": len(ids),
                       "top": svc.documents(ids[:3])})
    return render_template("community.html", region=tax.regions[region], scenes=scenes)


@bp.get("/packages/<region>/<scenario>")
def package(region: str, scenario: str):
    data = package_payload(region, scenario)
    return render_template("package.html", pkg=data, region=_service().tax.regions[region])
