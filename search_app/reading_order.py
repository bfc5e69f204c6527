"""A package in the order a clerk reads it (pure: documents in, groups out).

The community's own policies first, then citywide, then national; within each, originals before
guides and interpretations, newest first. A translation, interpretation or guide of a policy in the
package is grouped under that policy rather than listed on its own; an English reader sees the
English version of a group first, and the policies that have one before those in Chinese only."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.model import PolicyDocument

KIND_ORDER = {"policy": 0, "guide": 1, "interpretation": 2, "translation": 3}
# the links by which a document names the policy it translates, explains or guides through
COMPANION_OF = ("original", "policy")


@dataclass
class Group:
    """A policy and the documents that go with it (translation, interpretation, guide)."""

    head: PolicyDocument
    companions: list[PolicyDocument] = field(default_factory=list)

    @property
    def english(self) -> PolicyDocument | None:
        """The English version of the group, if any: the head itself or its translation."""
        if self.head.lang == "en":
            return self.head
        return next((c for c in self.companions if c.lang == "en" and c.kind == "translation"),
                    None)  # fmt: skip

    @property
    def chinese_only(self) -> bool:
        """No English title, summary or version: an English reader is told so."""
        return self.english is None and not (self.head.title_en or self.head.summary_en)


def scope(doc: PolicyDocument, region: str) -> int:
    """0 the community's own, 1 citywide, 2 national, 3 anything else."""
    if region in doc.regions:
        return 0
    if "beijing" in doc.regions:
        return 1
    return 2 if "national" in doc.regions else 3


def _newest(doc: PolicyDocument) -> str:
    # ISO dates sort as text; inverted so that a plain ascending sort puts the newest first
    return "".join(chr(0x10FFFF - ord(ch)) for ch in (doc.publish_date or "0000"))


def reading_order(docs: list[PolicyDocument], region: str, lang: str = "zh") -> list[Group]:
    """docs of the package region/… in reading order, companions grouped under their policy."""
    by_id = {d.id: d for d in docs}
    groups: dict[str, Group] = {}
    companion_of: dict[str, str] = {}
    for d in docs:
        target = next((r.get("id") for r in d.related
                       if r["rel"] in COMPANION_OF and r.get("id") in by_id
                       and r.get("id") != d.id), None)  # fmt: skip
        if target and not any(
            r["rel"] in COMPANION_OF and r.get("id") in by_id for r in by_id[target].related
        ):  # a companion of a head (not of another companion)
            companion_of[d.id] = target
    for d in docs:
        if d.id not in companion_of:
            groups[d.id] = Group(d)
    for d in docs:
        if d.id in companion_of:
            groups[companion_of[d.id]].companions.append(d)

    def companion_key(c: PolicyDocument):
        in_reader_language = c.lang == lang
        return (not in_reader_language, KIND_ORDER.get(c.kind, 9), _newest(c))

    for g in groups.values():
        g.companions.sort(key=companion_key)

    def group_key(g: Group):
        english_missing = lang == "en" and g.chinese_only
        return (scope(g.head, region), english_missing, KIND_ORDER.get(g.head.kind, 9),
                _newest(g.head), g.head.id)  # fmt: skip

    return sorted(groups.values(), key=group_key)


def flat(groups: list[Group]) -> list[PolicyDocument]:
    """The documents of groups in reading order, each policy followed by its companions."""
    return [d for g in groups for d in (g.head, *g.companions)]
