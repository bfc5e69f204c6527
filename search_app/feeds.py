"""Atom 1.0 feeds of new, changed, expired and gone policies (feedgen): everything, a community, a
package, a saved search. Newest first, one entry per version with a stable tag: id, and
conditional GET (ETag, Last-Modified) so a feed reader polls cheaply."""

from __future__ import annotations

import datetime as dt
import hashlib

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _

from indexer.history import BEIJING

from .changelog import Scope
from .changes import VersionDiff
from .query import check_package, parse_params
from .wording import change_kind, change_label, change_summary

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
ENTRIES = 50  # entries in a feed
SEARCH_DOCUMENTS = 2000  # documents a saved search's feed follows (its newest matches)
# Entry and feed ids: tag: URIs (RFC 4151) under a name and date fixed once, so an id never changes
# with the host the service is reached by.
TAG = "tag:policy-index,2024:"
ATOM = "application/atom+xml; charset=utf-8"


def _service():
    return current_app.extensions["policy_index"]


def entry_id(doc_id: str, n: int) -> str:
    return f"{TAG}policies/{doc_id}/versions/{n}"


@bp.get("/all.atom")
def everything():
    return _feed(Scope("all"), "all", _("All policy changes"), url_for("pages.search"))


@bp.get("/communities/<region>.atom")
def community(region: str):
    svc = _service()
    if region not in svc.tax.communities:
        abort(404, description=_("There is no talent community called %(name)s.", name=region[:40]))
    name = svc.tax.region_label(region, g.ui_lang)
    return _feed(Scope("community", region), f"communities/{region}",
                 _("Policy changes: %(name)s", name=name),
                 url_for("pages.community", region=region))  # fmt: skip


@bp.get("/packages/<region>/<scenario>.atom")
def package(region: str, scenario: str):
    svc = _service()
    check_package(svc.tax, region, scenario)
    info = svc.tax.package(region, scenario)
    title = info.title_zh if g.ui_lang == "zh" else info.title_en
    return _feed(Scope("package", region, scenario), f"packages/{region}/{scenario}",
                 _("Policy changes: %(name)s", name=title),
                 url_for("pages.package", region=region, scenario=scenario))  # fmt: skip


@bp.get("/search.atom")
def search():
    """The parameters of /api/search (validated the same way: 400 on a bad one)."""
    svc = _service()
    params = parse_params(request.args, svc.tax, svc.config)
    ids = svc.matching_ids(params, SEARCH_DOCUMENTS)
    args = {k: v for k, v in request.args.items() if k in ("q", *params.filters)}
    key = "search?" + "&".join(f"{k}={v}" for k, v in sorted(args.items()))
    label = params.q or _("all policies")
    page_args = {("doclang" if k == "lang" else k): v for k, v in args.items()}
    return _feed(Scope("search", ids=frozenset(ids)), key,
                 _("Policy changes for the search “%(q)s”", q=label),
                 url_for("pages.search", **page_args))  # fmt: skip


def _feed(scope: Scope, key: str, title: str, page: str) -> Response:
    diffs = _service().changelog.latest(scope, ENTRIES)
    lang = g.ui_lang
    etag = hashlib.sha1(
        "|".join([lang, key, *(f"{d.doc_id}/{d.version.n}" for d in diffs)]).encode()
    ).hexdigest()
    resp = Response(mimetype="application/atom+xml")
    resp.set_etag(etag)
    if diffs:
        resp.last_modified = dt.datetime.fromtimestamp(
            int(diffs[0].version.fetched_at), dt.timezone.utc
        )
    resp.headers["Cache-Control"] = "public, max-age=300"
    resp.vary.add("Accept-Language")
    resp.vary.add("Cookie")
    conditional = resp.make_conditional(request)
    if conditional.status_code == 304:
        return conditional
    resp.set_data(_atom(diffs, key, title, page, lang))
    resp.headers["Content-Type"] = ATOM
    return resp


def _when(d: VersionDiff) -> dt.datetime:
    return dt.datetime.fromtimestamp(d.version.fetched_at, BEIJING).replace(microsecond=0)


def _atom(diffs: list[VersionDiff], key: str, title: str, page: str, lang: str) -> bytes:
    fg = FeedGenerator()
    fg.id(f"{TAG}feeds/{key}")
    fg.title(f"{title} - {_('Talent Community Policy Index')}")
    fg.author({"name": _("Talent Community Policy Index")})
    fg.link(href=request.url, rel="self", type="application/atom+xml")
    fg.link(href=request.host_url.rstrip("/") + page, rel="alternate", type="text/html")
    fg.language("zh-CN" if lang == "zh" else "en")
    fg.subtitle(_("New, changed, expired and gone policies, newest first."))
    # An empty feed is dated by nothing that changes: the start of the epoch.
    fg.updated(_when(diffs[0]) if diffs else dt.datetime.fromtimestamp(0, dt.timezone.utc))
    for d in diffs:
        v = d.version
        fe = fg.add_entry(order="append")
        fe.id(entry_id(d.doc_id, v.n))
        kind = change_kind(v)
        name = v.title_en if lang == "en" and v.title_en else v.title
        label = _("%(label)s:", label=change_label(kind))  # "Expired:" / "已失效："
        fe.title(f"{label}{'' if lang == 'zh' else ' '}{name}")
        link = url_for("pages.version", doc_id=d.doc_id, n=v.n, _external=True)
        fe.link(href=link, rel="alternate", type="text/html")
        fe.updated(_when(d))
        fe.published(_when(d))
        fe.category(term=kind, label=change_label(kind))
        summary = change_summary(d)
        fe.summary(summary)
        fe.content(render_template("_feed_entry.html", d=d, summary=summary, link=link),
                   type="html")  # fmt: skip
    return fg.atom_str(pretty=True)
