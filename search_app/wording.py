"""The words for changes, in the interface language (Flask-Babel): field names, what kind of change
a version is, and a one-line summary of it, shared by the policy and version pages and the feeds."""

from __future__ import annotations

from flask_babel import gettext as _

from indexer.history import Version

from .changes import VersionDiff


def field_label(name: str) -> str:
    labels = {
        "title": _("Title"), "doc_number": _("Document No."), "agency": _("Issuing agency"),
        "publish_date": _("Date published"), "written_date": _("Date written"),
        "status": _("Status"), "valid_until": _("Valid until"), "kind": _("Kind of document"),
        "lang": _("Language"), "regions": _("Communities"), "scenarios": _("Scenes"),
        "title_en": _("English title"), "summary_en": _("Summary in English"),
        "text": _("Full text"), "attachments": _("Attachments"), "links": _("Links"),
        "gone": _("Published at its source"),
    }  # fmt: skip
    return labels.get(name, name)


def status_word(status: str | None) -> str:
    return {"in_force": _("in force"), "expired": _("expired")}.get(
        status or "", _("status not stated")
    )


def change_kind(v: Version) -> str:
    """new | changed | expired | superseded | in_force | gone | returned (superseded: expired with
    a link to what replaced it, known when the version's body was read)."""
    if v.event != "changed":
        return v.event
    change = v.status_change
    if change and change[1] == "expired":
        links = v.body.get("links") or []
        return "superseded" if any(lk.get("rel") == "replaced_by" for lk in links) else "expired"
    if change and change[1] == "in_force":
        return "in_force"
    return "changed"


def change_label(kind: str) -> str:
    return {
        "new": _("Newly listed"), "changed": _("Changed"), "expired": _("Expired"),
        "superseded": _("Superseded"), "in_force": _("Now in force"),
        "gone": _("Gone from its source"), "returned": _("Back at its source"),
    }.get(kind, kind)  # fmt: skip


def change_summary(d: VersionDiff) -> str:
    """One line: what changed in this version."""
    v = d.version
    if v.event == "new":
        return _("First recorded on %(day)s.", day=v.day)
    if v.event == "gone":
        return _(
            "On %(day)s the page could no longer be found at its source; the last version "
            "fetched is kept.",
            day=v.day,
        )
    parts = []
    if v.event == "returned":
        parts.append(_("The page is back at its source."))
    for f in d.changed_fields:
        if f.name == "status":
            parts.append(_("Status: %(old)s → %(new)s.", old=status_word(f.old),
                           new=status_word(f.new)))  # fmt: skip
        elif isinstance(f.new, str) and isinstance(f.old, str | None) and len(f.new) <= 60:
            parts.append(_("%(field)s: %(old)s → %(new)s.", field=field_label(f.name),
                           old=f.old or "—", new=f.new))  # fmt: skip
        else:
            parts.append(_("%(field)s changed.", field=field_label(f.name)))
    if d.text.changed:
        parts.append(_("Text: %(ins)s characters added, %(del)s removed.", ins=d.text.inserted,
                       **{"del": d.text.deleted}))  # fmt: skip
        excerpt = d.text.excerpt()
        if excerpt:
            parts.append(_("Added: “%(text)s”", text=excerpt))
    others = [n for n in v.changes if n not in ("gone", "text", *(f.name for f in d.fields))]
    if others:
        parts.append(_("Also changed: %(fields)s.",
                       fields=_(", ").join(field_label(n) for n in others)))  # fmt: skip
    return " ".join(parts) or _("Changed on %(day)s.", day=v.day)
