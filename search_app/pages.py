"""HTML pages: home, search, policy and its versions, community packages, package — views over
the same data as the API."""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from indexer import settings
from indexer.encoding import decode_html

from . import searchlog
from . import sheet as sheet_mod
from .docnumbers import highlight_terms
from .forme import STAGES, parse_profile
from .highlight import find_spans, mark
from .query import NotFoundError, QueryError, check_package, parse_params, parse_version
from .reading_order import reading_order
from .results import result_links
from .understand import understand
from .wording import change_kind, change_label, change_summary, field_label

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

    def agency_label(name):
        return tax.agency_label(name, lang) if name else ""

    def doc_href(link: dict | None) -> str | None:
        """Our policy page for a linked document we hold, else the link's own URL."""
        if not link:
            return None
        return url_for("pages.policy", doc_id=link["id"]) if link.get("id") else link.get("url")

    def lang_switch_url():
        other = "en" if lang == "zh" else "zh"
        args = request.args.to_dict(flat=False)  # keeps repeated parameters (the sheet's ids)
        args["lang"] = [other]
        args.pop("rank", None)  # a result is opened once: switching language is not a click
        endpoint = request.endpoint if request.endpoint and request.url_rule else "pages.home"
        return url_for(endpoint, **(request.view_args or {}), **args)

    return {
        "tax": tax,
        "ui_lang": lang,
        "region_label": region_label,
        "doc_href": doc_href,
        "scenario_label": scenario_label,
        "agency_label": agency_label,
        "url_with": url_with,
        "lang_switch_url": lang_switch_url,
        "field_label": field_label,
        "change_label": change_label,
        "change_summary": change_summary,
        "version_kind": change_kind,
    }


@bp.get("/")
def home():
    svc = _service()
    counts = {p["key"]: p["count"] for p in svc.package_counts()}
    return render_template("home.html", counts=counts)


@bp.get("/search")
def search():
    svc = _service()
    params = parse_params(request.args, svc.tax, svc.config, lang_param=DOC_LANG_PARAM)
    params = dataclasses.replace(params, reader=g.ui_lang)  # English pages: English documents first
    resp = searchlog.run(params, via="page")
    active = [(param, name, request.args[param]) for name, param in FACET_PARAMS.items()
              if request.args.get(param)]  # fmt: skip
    feed_args = {("lang" if k == DOC_LANG_PARAM else k): v for k, v in request.args.items()
                 if k in ("q", *FACET_PARAMS.values())}  # fmt: skip
    return render_template(
        "search.html", r=resp, p=params, active_filters=active,
        feed_url=url_for("feeds.search", **feed_args),
        help_regions=_help_regions(params) if not resp.results else [])  # fmt: skip


FACET_PARAMS = {"region": "region", "scenario": "scenario", "audience": "audience", "year": "year",
                "status": "status", "lang": DOC_LANG_PARAM, "agency": "agency"}  # fmt: skip


def _help_regions(params) -> list[str]:
    """The communities a query that found nothing was about: the region filter, else the
    communities its words name (望京, 亦庄 ...); their service stations are offered."""
    tax = _service().tax
    if params.region in tax.communities:
        return [params.region]
    if not params.q:
        return []
    return [r for r in understand(params.q, tax, _service().lexicon()).regions
            if r in tax.communities]  # fmt: skip


@bp.get("/policies/<doc_id>")
def policy(doc_id: str):
    svc = _service()
    doc = svc.document(doc_id) if len(doc_id) <= 64 else None
    if doc is None:
        abort(404, description=_("No policy with the id %(id)s.", id=doc_id[:64]))
    links = result_links(doc.related, doc.status)
    q = (request.args.get("q") or "").strip()[: svc.config.max_query_chars]
    searchlog.click(q, doc.id, request.args.get("rank"))
    # a 发文字号 whole, not its digits
    terms = highlight_terms(understand(q, svc.tax, svc.lexicon())) if q else []
    paragraphs, marks = [], 0
    for para in doc.text.split("\n"):
        spans = find_spans(para, terms) if terms else []
        marks += len(spans)
        paragraphs.append(Markup(mark(para, spans)))
    latest = svc.changelog.diff(doc.id, doc.version) if doc.version > 1 else None
    return render_template(
        "policy.html", d=doc, related=doc.related, source_url=_source_url(doc.url),
        replaced_by=links["replaced_by"], translation=links["translation"],
        original=links["original"], q=q, paragraphs=paragraphs, marks=marks, latest=latest,
    )  # fmt: skip


@bp.get("/policies/<doc_id>/versions")
def versions(doc_id: str):
    history = _service().changelog.history(doc_id) if len(doc_id) <= 64 else None
    if history is None:
        raise NotFoundError(_("No policy with the id %(id)s.", id=doc_id[:64]))
    return render_template("versions.html", h=history)


@bp.get("/policies/<doc_id>/versions/<n>")
def version(doc_id: str, n: str):
    number = parse_version(n)
    log = _service().changelog
    found = log.diff(doc_id, number) if len(doc_id) <= 64 else None
    if found is None:
        raise NotFoundError(_("No version %(n)s of the policy %(id)s.", n=number, id=doc_id[:64]))
    history = log.history(doc_id)
    has_next = history is not None and number < len(history.versions)
    return render_template("version.html", vd=found, has_next=has_next)


def _source_url(url: str) -> str:
    """Where a reader can see the page the document came from: sample pages are served here."""
    if url.startswith(settings.SAMPLE_BASE_URL):
        return url_for("pages.sample_page", path=url[len(settings.SAMPLE_BASE_URL) :])
    return url


@bp.get("/samples/<path:path>")
def sample_page(path: str):
    """The bundled sample site, as the crawler read it (static, read-only). A page is sent with the
    charset it is written in (its <meta>, else detected): GB2312 pages are not UTF-8."""
    resp = send_from_directory(str(_service().config.sample_site), path)
    if resp.mimetype == "text/html":
        resp.direct_passthrough = False
        codec = decode_html(resp.get_data())[1]
        resp.headers["Content-Type"] = f"text/html; charset={codec}"
    resp.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'"
    )
    return resp


@bp.get("/packages/<region>")
def community(region: str):
    svc = _service()
    if region not in svc.tax.communities:
        abort(404, description=_("There is no talent community called %(name)s.", name=region[:40]))
    view = svc.community(region)
    return render_template("community.html", region=svc.tax.regions[region], scenes=view.scenes)


@bp.get("/packages/<region>/<scenario>")
def package(region: str, scenario: str):
    svc = _service()
    if region not in svc.tax.communities:
        abort(404, description=_("There is no talent community called %(name)s.", name=region[:40]))
    if scenario not in svc.tax.scenarios:
        abort(404, description=_("%(community)s has no scene called %(name)s.",
                                 community=svc.tax.region_label(region, g.ui_lang),
                                 name=scenario[:40]))  # fmt: skip
    check_package(svc.tax, region, scenario)
    pkg = svc.package(region, scenario)
    return render_template("package.html", pkg=pkg, groups=reading_order(pkg.policies, region,
                           g.ui_lang), region=svc.tax.regions[region],
                           sheet_max=sheet_mod.MAX_IDS)  # fmt: skip


@bp.get("/for-me")
def for_me():
    """A package for one person: the form, and the checklist below it when the URL holds a
    profile (GET only: a clerk bookmarks or sends the URL)."""
    svc = _service()
    args = request.args.to_dict()
    for name in ("who", "needs"):  # checkboxes repeat a name; the API lists with commas
        args[name] = ",".join(v for raw in request.args.getlist(name) for v in raw.split(",") if v)
    profile = parse_profile(args, svc.tax, lang=g.ui_lang, require=False)
    result = svc.for_me(profile) if profile else None
    return render_template("for_me.html", r=result, p=profile, stages=STAGES,
                           chosen={k: args.get(k, "").split(",") for k in ("who", "needs")},
                           region_arg=args.get("region", ""))  # fmt: skip


# ---- the answer sheet: chosen policies with short bilingual summaries and citations --------------


def _sheet_entries() -> tuple[list[sheet_mod.SheetEntry], list[str]]:
    """The entries for the ?id= of the request and the ids that were not found.
    Raises SheetError when no id or too many were given."""
    svc = _service()
    ids = sheet_mod.check_ids(request.args.getlist("id"))
    entries, missing = [], []
    for i in ids:
        doc = svc.document(i) if sheet_mod.ID_RX.match(i) else None
        if doc is None:
            missing.append(i[:64])
        else:
            entries.append(sheet_mod.entry(doc, svc.document))
    return entries, missing


def _sheet_error_message(exc: sheet_mod.SheetError) -> str:
    n = len({i.strip() for i in request.args.getlist("id") if i.strip()})
    if n > sheet_mod.MAX_IDS:
        return _(
            "You chose %(n)s policies; an answer sheet holds at most %(max)s. Please choose fewer.",
            n=n,
            max=sheet_mod.MAX_IDS,
        )
    return str(exc)


@bp.get("/sheet")
def sheet():
    if not [i for i in request.args.getlist("id") if i.strip()]:
        return render_template(
            "sheet.html", entries=[], missing=[], text="", max_ids=sheet_mod.MAX_IDS
        )
    try:
        entries, missing = _sheet_entries()
    except sheet_mod.SheetError as exc:
        raise QueryError(_sheet_error_message(exc)) from None
    if not entries:
        abort(
            404,
            description=_("None of the chosen policies was found: %(ids)s", ids=", ".join(missing)),
        )
    text = sheet_mod.plain_text(entries, _page_url, dt.date.today().isoformat(), missing)
    return render_template(
        "sheet.html",
        entries=entries,
        missing=missing,
        text=text,
        max_ids=sheet_mod.MAX_IDS,
        today=dt.date.today().isoformat(),
    )


@bp.get("/sheet.txt")
def sheet_txt():
    try:
        entries, missing = _sheet_entries()
    except sheet_mod.SheetError as exc:
        return _plain(
            _sheet_error_message(exc)
            if request.args.getlist("id")
            else f"no policy chosen: add ?id=… for each policy (at most {sheet_mod.MAX_IDS})",
            400,
        )
    if not entries:
        return _plain("no policy found with the id(s): " + ", ".join(missing), 404)
    return _plain(
        sheet_mod.plain_text(entries, _page_url, dt.date.today().isoformat(), missing), 200
    )


def _page_url(doc_id: str) -> str:
    return url_for("pages.policy", doc_id=doc_id, _external=True)


def _plain(body: str, status: int) -> Response:
    resp = Response(body if body.endswith("\n") else body + "\n", status, mimetype="text/plain")
    resp.headers["Content-Disposition"] = 'inline; filename="answer-sheet.txt"'
    return resp
