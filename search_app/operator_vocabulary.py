"""Operator pages for the query vocabulary under /operator/vocabulary/: find an entry, add, edit
or remove synonyms and glossary entries (each edit kept with who, when and why), and preview what
a proposed entry does to a query before it is saved. Behind the operator login (operator.py)."""

from __future__ import annotations

import logging
import sqlite3

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from indexer.text import has_cjk

from . import lexicon
from .lexicon_edits import LexiconEdits
from .lexicon_rules import (
    MAX_KEY_CHARS,
    MAX_QUERY_CHARS,
    MAX_WHY_CHARS,
    Problem,
    Proposal,
    check,
    cut_problem,
)
from .operator import login_required, private
from .query import SearchParams
from .understand import understand

# The lengths the form's fields allow, as the page shows them.
LIMITS = {"key": MAX_KEY_CHARS, "why": MAX_WHY_CHARS, "query": MAX_QUERY_CHARS}

log = logging.getLogger(__name__)
bp = Blueprint("vocabulary", __name__, url_prefix="/operator/vocabulary")
bp.after_request(private)
PREVIEW_ROWS = 10
RECENT_ROWS = 30
FOUND_ROWS = 100


def _service():
    return current_app.extensions["policy_index"]


def _edits() -> LexiconEdits:
    return _service().edits


def problem_text(p: Problem) -> str:
    """A problem with a proposed edit in the reader's language."""
    v = p.values
    words = {
        "kind_unknown": lambda: _("Choose whether this is a synonym or a glossary entry."),
        "key_empty": lambda: _("Enter the words people type."),
        "key_too_long": lambda: _("The words people type may be at most %(max)s characters long.",
                                  max=v["max"]),
        "key_not_latin": lambda: _("A glossary entry is for an English phrase: Latin letters, "
                                   "digits, spaces and ' - . & / + , only. For Chinese words, "
                                   "add a synonym."),
        "key_not_chinese": lambda: _("A synonym is for Chinese words. For an English phrase, add a "
                                     "glossary entry."),
        "not_found": lambda: _("There is no entry “%(key)s” to remove.", key=v["key"]),
        "terms_empty": lambda: _("Enter at least one term the policies use."),
        "too_many_terms": lambda: _("Give at most %(max)s terms.", max=v["max"]),
        "term_too_long": lambda: _("The term “%(term)s” is longer than %(max)s characters.",
                                   term=v["term"], max=v["max"]),
        "term_is_key": lambda: _("“%(term)s” is the entry's own key: a word cannot be mapped to "
                                 "itself.", term=v["term"]),
        "term_not_chinese": lambda: _("“%(term)s” has no Chinese in it: a glossary entry gives the "
                                      "Chinese words the policies use.", term=v["term"]),
        "key_cuts_words": lambda: _("“%(key)s” also occurs inside longer words, which it would cut "
                                    "in two: %(words)s. Add those words as entries of their own "
                                    "first (a longer entry is matched first and keeps its word "
                                    "whole), or tick “Save anyway”.", key=v["key"],
                                    words=v["words"]),
        "unchanged": lambda: _("The entry already says exactly this: there is nothing to save."),
        "cycle": lambda: _("This one-way entry would lead back to itself: %(path)s already "
                           "exists. If the words mean the same, save one entry marked “both "
                           "ways” instead.", path=v["path"]),
        "why_empty": lambda: _("Say why: the reason is kept with the change."),
        "why_too_long": lambda: _("The reason may be at most %(max)s characters long.",
                                  max=v["max"]),
        "query_too_long": lambda: _("The query may be at most %(max)s characters long.",
                                    max=v["max"]),
    }  # fmt: skip
    return words[p.code]()


def _errors(problems: list[Problem]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in problems:
        out.setdefault(p.field, []).append(problem_text(p))
    return out


def _form(values) -> dict:
    """The entry form's fields (as typed, cut to what a field may hold)."""
    kind = values.get("kind") or ""
    return {
        "kind": kind if kind in lexicon.KINDS else "",
        "key": (values.get("key") or "")[: MAX_KEY_CHARS * 2],
        "terms": (values.get("terms") or "")[:2000],
        "both": values.get("both") in ("1", "on", "true"),
        "why": (values.get("why") or "")[: MAX_WHY_CHARS * 2],
        "query": (values.get("query") or "")[: MAX_QUERY_CHARS * 2],
        "cut_ok": values.get("cut_ok") in ("1", "on", "true"),
        "offer_cut": False,  # whether the form offers "save anyway" (set once a key cuts words)
    }


def _checked(form: dict, remove: bool, preview: bool) -> tuple[Proposal | None, dict]:
    # A preview stores nothing, so it needs no reason yet (that is asked for when saving), and it
    # shows what a key that cuts longer words does (the words are named above it as a warning).
    why = form["why"] if form["why"].strip() or not preview else "preview"
    proposal, problems = check(form["kind"], form["key"], form["terms"], form["both"], why,
                               form["query"], _edits().vocabulary(), remove=remove,
                               dictionary=lexicon.dictionary_words(),
                               allow_cut=form["cut_ok"] or preview)  # fmt: skip
    form["offer_cut"] = form["cut_ok"] or any(p.code == "key_cuts_words" for p in problems)
    return proposal, _errors(problems)


def _cut_warning(p: Proposal) -> str | None:
    """For the preview of a new synonym key: the longer words it would cut, in words."""
    if p.kind != "synonym" or p.action != "add":
        return None
    problems = cut_problem(p.key, _edits().vocabulary(), lexicon.dictionary_words())
    return problem_text(problems[0]) if problems else None


def _preview(p: Proposal) -> dict:
    """The query's top results and how it was read, with the current lexicon and with p applied;
    computed here with a temporary lexicon, nothing stored, nothing logged."""
    svc = _service()
    query = p.query or p.key
    params = SearchParams(q=query, per_page=PREVIEW_ROWS, reader=g.ui_lang)
    sides = []
    for name, lex in (("before", svc.lexicon()), ("after", svc.edits.proposed(p))):
        resp = svc.search(params, lex=lex)
        u = understand(query, svc.tax, lex)
        sides.append({"name": name, "total": resp.total, "results": resp.results,
                      "concepts": u.explain()["concepts"], "dropped": u.dropped})  # fmt: skip
    before = [r.id for r in sides[0]["results"]]
    # how each result after moved: "new" to the top rows, else places up (+) or down (-)
    moves = {r.id: "new" if r.id not in before else before.index(r.id) - i
             for i, r in enumerate(sides[1]["results"])}  # fmt: skip
    return {"query": query, "sides": sides, "proposal": p, "moves": moves,
            "warning": _cut_warning(p)}  # fmt: skip


def _who() -> str:
    return str(session.get("operator") or "")


def _store(p: Proposal):
    try:
        edit = _edits().append(p, _who())
    except sqlite3.Error as exc:
        log.error("lexicon edit not stored: %s", exc)
        abort(503, description=_("The vocabulary cannot be saved just now."))
    terms = ", ".join(edit.terms) or "-"
    log.info("operator %s: %s %s %r -> %s (edit %d; why: %s; query: %s)", edit.who, edit.action,
             edit.kind, edit.key, terms, edit.id, edit.why, edit.query)  # fmt: skip
    return redirect(url_for("vocabulary.entry", kind=p.kind, key=p.key, saved=edit.id), 303)


# ---- the pages --------------------------------------------------------------------------------


def _index_page(form: dict, errors: dict | None = None, preview: dict | None = None,
                status: int = 200):  # fmt: skip
    find = (request.args.get("find") or "").strip()[:MAX_KEY_CHARS]
    edited = request.args.get("edited") == "1"
    edits = _edits()
    try:
        found = edits.find(find, edited, FOUND_ROWS) if find or edited else None
        recent = edits.recent(RECENT_ROWS)
    except sqlite3.Error as exc:
        log.error("lexicon edits unreadable: %s", exc)
        abort(503, description=_("The vocabulary edits cannot be read just now."))
    page = render_template("operator_vocabulary.html", form=form, errors=errors or {},
                           preview=preview, find=find, edited=edited, found=found,
                           recent=recent, found_rows=FOUND_ROWS,
                           limits=LIMITS)  # fmt: skip
    return page, status


@bp.get("/")
@login_required
def index():
    """The form (filled in from ?kind=&key=&query=, as the queries-to-improve page links it), the
    entries found for ?find=, and the latest edits."""
    form = _form(request.args)
    if not form["kind"] and (form["key"] or form["query"]):
        typed = form["key"] or form["query"]
        form["kind"] = "synonym" if has_cjk(typed) else "glossary"
    return _index_page(form)


@bp.post("/")
@login_required
def save():
    form = _form(request.form)
    preview = request.form.get("intent") == "preview"
    proposal, errors = _checked(form, remove=False, preview=preview)
    if errors or proposal is None:
        return _index_page(form, errors, status=400)
    if preview:
        shown = _preview(proposal)
        form["offer_cut"] = form["offer_cut"] or bool(shown["warning"])
        return _index_page(form, preview=shown)
    return _store(proposal)


def _entry_page(kind: str, key: str, preview: dict | None = None, removal: dict | None = None,
                remove_errors: dict | None = None, status: int = 200):  # fmt: skip
    if kind not in lexicon.KINDS:
        abort(404, description=_("There is no such kind of vocabulary entry."))
    key = lexicon.key_of(kind, key)
    edits = _edits()
    try:
        history = edits.history(kind, key)
        now = edits.vocabulary().of(kind).get(key)
    except sqlite3.Error as exc:
        log.error("lexicon edits unreadable: %s", exc)
        abort(503, description=_("The vocabulary edits cannot be read just now."))
    shipped = lexicon.shipped().of(kind).get(key)
    if shipped is None and not history:
        abort(404, description=_("There is no vocabulary entry “%(key)s”.", key=key[:60]))
    form = {"kind": kind, "key": key, "terms": "、".join(now.terms) if now else "",
            "both": bool(now and now.both), "why": "", "query": ""}  # fmt: skip
    page = render_template("operator_vocabulary_entry.html", kind=kind, key=key, now=now,
                           shipped=shipped, history=history, form=form, errors={},
                           remove_errors=remove_errors or {},
                           preview=preview, removal=removal or {"why": "", "query": ""},
                           saved=request.args.get("saved"), file=lexicon.FILES[kind],
                           limits=LIMITS)  # fmt: skip
    return page, status


@bp.get("/entry")
@login_required
def entry():
    """One entry: what it says now and in the shipped file, its history, forms to change it."""
    return _entry_page(request.args.get("kind", ""), request.args.get("key", ""))


@bp.post("/entry")
@login_required
def remove():
    """Remove the entry of ?kind=&key= (in the form's address, so that the page answered, with
    its language switch, stays the entry's)."""
    form = _form({**request.form.to_dict(), **request.args.to_dict()})
    preview = request.form.get("intent") == "preview"
    proposal, errors = _checked(form, remove=True, preview=preview)
    removal = {"why": form["why"], "query": form["query"]}
    if errors or proposal is None:
        return _entry_page(form["kind"], form["key"], removal=removal, remove_errors=errors,
                           status=400)  # fmt: skip
    if preview:
        return _entry_page(form["kind"], form["key"], preview=_preview(proposal), removal=removal)
    return _store(proposal)
