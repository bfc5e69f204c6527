"""A package for one person (no Flask): a profile — community, who they are, family, what they
need — and the in-force documents of that community's scopes -> an ordered checklist, one step per
need, each with the policies that apply (the community's own first, then citywide and national),
the service guides that carry them out, and the conditions quoted with their citation.

A document whose audience excludes the person is left out and counted; one whose audience could
not be decided (no group named) is kept as "may apply", never dropped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from indexer.model import LANGS, PolicyDocument
from indexer.taxonomy import Taxonomy

from .query import QueryError

STAGES = ("kindergarten", "primary", "secondary")
# The words that name a school stage. A document of the education scene that names some stages
# and not the child's is about other children (a kindergarten subsidy for a secondary pupil); one
# that names none is about every stage. 义务教育 is primary and junior secondary.
STAGE_WORDS: dict[str, tuple[str, ...]] = {
    "kindergarten": ("幼儿园", "学前", "入园", "托育", "kindergarten", "preschool", "pre-school",
                     "nursery"),
    "primary": ("小学", "义务教育", "primary", "elementary", "compulsory education"),
    "secondary": ("初中", "高中", "中学", "义务教育", "中考", "secondary", "middle school",
                  "high school", "compulsory education"),
}  # fmt: skip
MAX_CHILDREN = 10
MAX_POLICIES = 8  # per step: a checklist, not a search (the rest are counted)
MAX_GUIDES = 4
MAX_CONDITIONS = 6
GUIDE_FIELDS = ("materials", "where", "hours", "time_limit", "phone", "fee")
HOTLINE = "12345"
# A document answers a need with one of its words in the title, or three times in the text.
MIN_RELEVANCE = 3


@dataclass(frozen=True)
class Profile:
    region: str
    who: tuple[str, ...]
    needs: tuple[str, ...]
    children: int = 0
    stage: str | None = None  # the school stage of the children
    spouse: bool = False
    lang: str = "zh"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["who"], d["needs"] = list(self.who), list(self.needs)
        return d

    def query_args(self) -> dict:
        """The profile as URL parameters (what /for-me and /api/for-me take)."""
        args = {"region": self.region, "who": ",".join(self.who), "needs": ",".join(self.needs),
                "lang": self.lang}  # fmt: skip
        if self.children:
            args["children"] = str(self.children)
        if self.stage:
            args["stage"] = self.stage
        if self.spouse:
            args["spouse"] = "1"
        return args


def _one(args: Mapping, name: str) -> str:
    getlist = getattr(args, "getlist", None)
    values = [v for v in (getlist(name) if getlist else [args.get(name)]) if v not in (None, "")]
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} given more than once; list values with commas")
    v = str(values[0]).strip() if values else ""
    if "\x00" in v or len(v) > 400:
        raise QueryError(f"parameter {name!r} is too long or holds a NUL character")
    return v


def _slugs(args: Mapping, name: str, allowed) -> tuple[str, ...]:
    out: list[str] = []
    for raw in _one(args, name).split(","):
        v = raw.strip()
        if not v:
            continue
        if v not in allowed:
            raise QueryError(f"parameter {name!r}: unknown value {v[:40]!r}; allowed values: "
                             f"{', '.join(allowed)}")  # fmt: skip
        if v not in out:
            out.append(v)
    return tuple(out)


def parse_profile(args: Mapping, tax: Taxonomy, lang: str | None = None,
                  require: bool = True) -> Profile | None:  # fmt: skip
    """Validated profile from request arguments; QueryError (400) naming the allowed values.
    With require=False an empty form (no region) is None rather than an error."""
    region = _one(args, "region")
    if not region and not require:
        return None
    if region not in tax.communities:
        raise QueryError(f"parameter 'region' must be one of: {', '.join(tax.communities)}")
    who = _slugs(args, "who", tuple(tax.audiences))
    needs = _slugs(args, "needs", tuple(tax.needs))
    if not needs:
        raise QueryError(f"parameter 'needs' is required: one or more of {', '.join(tax.needs)}")
    raw = _one(args, "children") or "0"
    if not (raw.isascii() and raw.isdigit() and int(raw) <= MAX_CHILDREN):
        raise QueryError(f"parameter 'children' must be a whole number from 0 to {MAX_CHILDREN}")
    stage = _one(args, "stage") or None
    if stage is not None and stage not in STAGES:
        raise QueryError(f"parameter 'stage' must be one of: {', '.join(STAGES)}")
    spouse = _one(args, "spouse")
    if spouse not in ("", "0", "1", "true", "false", "on"):
        raise QueryError("parameter 'spouse' must be 0 or 1")
    ui = lang or _one(args, "lang") or "zh"
    if ui not in LANGS:
        raise QueryError(f"parameter 'lang' must be one of: {', '.join(LANGS)}")
    return Profile(region, who, tuple(needs_in_order(needs, tax)), int(raw), stage,
                   spouse in ("1", "true", "on"), ui)  # fmt: skip


def needs_in_order(needs, tax: Taxonomy) -> list[str]:
    """The needs in the order a person acts on them (the taxonomy's: permits before housing …)."""
    return [n for n in tax.needs if n in needs]


def person_tags(p: Profile) -> set[str]:
    """The audiences the person belongs to: Category A talent is foreign talent too, and foreign
    talent who bring a spouse or children are a foreign family."""
    tags = set(p.who)
    if "foreign-high-end" in tags:
        tags.add("foreign-talent")
    if tags & {"foreign-talent", "foreign-high-end"} and (p.spouse or p.children):
        tags.add("foreign-family")
    return tags


# ---- the checklist ---------------------------------------------------------------------------


def scope_rank(doc: PolicyDocument, region: str) -> int:
    """0 the community's own, 1 citywide, 2 national."""
    if region in doc.regions:
        return 0
    return 1 if "beijing" in doc.regions else 2


def citation(doc: PolicyDocument) -> dict:
    """标题 · 发文字号 · 机关 · 日期 of a document, and the same as one line."""
    parts = [doc.title, doc.doc_number, doc.agency, doc.publish_date]
    return {"id": doc.id, "title": doc.title, "doc_number": doc.doc_number,
            "agency": doc.agency, "publish_date": doc.publish_date,
            "text": " · ".join(p for p in parts if p)}  # fmt: skip


def _item(doc: PolicyDocument, fit: str, region: str) -> dict:
    return {"id": doc.id, "title": doc.title, "title_en": doc.title_en, "kind": doc.kind,
            "lang": doc.lang, "doc_number": doc.doc_number, "agency": doc.agency,
            "publish_date": doc.publish_date, "status": doc.status, "regions": doc.regions,
            "scope": ("community", "beijing", "national")[scope_rank(doc, region)],
            "audience": doc.audience, "fit": fit, "url": doc.url, "sample": doc.sample}  # fmt: skip


def _guide_item(doc: PolicyDocument, fit: str, region: str) -> dict:
    d = _item(doc, fit, region)
    g = doc.guide or {}
    d.update({k: g.get(k) for k in GUIDE_FIELDS})
    return d


@dataclass
class Step:
    need: str
    title: str
    policies: list[dict] = field(default_factory=list)
    guides: list[dict] = field(default_factory=list)
    conditions: list[dict] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)  # audience -> documents not shown
    other_stages: int = 0  # documents only about school stages other than the child's
    more: int = 0  # documents that apply beyond those listed
    help: dict | None = None  # nothing found: where to ask

    @property
    def empty(self) -> bool:
        return not self.policies and not self.guides

    def to_dict(self) -> dict:
        d = asdict(self)
        d["empty"] = self.empty
        return d


@dataclass
class ForMe:
    profile: Profile
    steps: list[Step]
    left_out: dict[str, int]  # audience -> documents not shown in any step
    station: dict | None  # the community's first service station

    @property
    def left_out_total(self) -> int:
        return sum(self.left_out.values())

    def to_dict(self) -> dict:
        left = {"total": self.left_out_total, "by_audience": self.left_out}
        return {"profile": self.profile.to_dict(), "steps": [s.to_dict() for s in self.steps],
                "left_out": left}  # fmt: skip


def _relevance(doc: PolicyDocument, words: tuple[str, ...]) -> int:
    """How well a document answers a need: its words in the title count most."""
    if not words:
        return MIN_RELEVANCE  # a scene: every document of it
    title = f"{doc.title} {doc.title_en or ''}".lower()
    text = doc.text.lower()
    return sum(3 * (w in title) + min(text.count(w), 3) for w in (w.lower() for w in words))


def stages_of(doc: PolicyDocument) -> set[str]:
    """The school stages a document names (none: it is about every stage)."""
    text = f"{doc.title} {doc.title_en or ''} {doc.text}".lower()
    return {s for s, words in STAGE_WORDS.items() if any(w in text for w in words)}


def _fit(doc: PolicyDocument, tags: set[str]) -> str | None:
    """applies | may_apply | None (its audience excludes the person). A person who said nothing
    about who they are is excluded from nothing, and nothing is sure to apply to them."""
    if not doc.audience or not tags:
        return "may_apply"
    return "applies" if tags & set(doc.audience) else None


def station_of(region: str, tax: Taxonomy) -> dict | None:
    stations = (tax.regions[region].facts or {}).get("service_stations") or []
    return stations[0] if stations else None


def build(p: Profile, docs: list[PolicyDocument], tax: Taxonomy) -> ForMe:
    """The checklist of p from docs (the in-force documents of the community's scopes)."""
    tags = person_tags(p)
    held = {d.id for d in docs}
    # an English page of a policy we list in Chinese adds nothing to a checklist: the policy shows
    # its English title; a translation stands alone only when its original is not held
    docs = [d for d in docs if not (d.kind == "translation" and any(
        r["rel"] == "original" and r.get("id") in held for r in d.related))]  # fmt: skip
    station = station_of(p.region, tax)
    steps, left_all = [], {}
    for slug in p.needs:
        need = tax.needs[slug]
        found = [
            (d, _relevance(d, need.words)) for d in docs if set(d.scenarios) & set(need.scenes)
        ]
        found = [(d, r) for d, r in found if r >= MIN_RELEVANCE]
        step = Step(slug, tax.need_label(slug, p.lang))
        shown: list[tuple[PolicyDocument, str]] = []
        by_stage = p.stage is not None and "education" in need.scenes
        for d, _r in sorted(found, key=lambda x: (scope_rank(x[0], p.region), -x[1],
                                                  x[0].publish_date or "")):  # fmt: skip
            fit = _fit(d, tags)
            if by_stage and (stages := stages_of(d)) and p.stage not in stages:
                step.other_stages += 1
            elif fit is None:
                first = next(a for a in tax.audiences if a in d.audience)
                step.left_out[first] = step.left_out.get(first, 0) + 1
                left_all.setdefault(d.id, first)
            else:
                shown.append((d, fit))
        # within a scope the documents that apply come before those that may
        shown.sort(key=lambda x: (scope_rank(x[0], p.region), x[1] != "applies"))
        guides = [(d, f) for d, f in shown if d.kind == "guide"]
        policies = [(d, f) for d, f in shown if d.kind != "guide"]
        step.policies = [_item(d, f, p.region) for d, f in policies[:MAX_POLICIES]]
        step.guides = [_guide_item(d, f, p.region) for d, f in guides[:MAX_GUIDES]]
        step.more = max(0, len(policies) - MAX_POLICIES) + max(0, len(guides) - MAX_GUIDES)
        listed = [d for d, _ in policies[:MAX_POLICIES] + guides[:MAX_GUIDES]]
        step.conditions = _conditions(sorted(listed, key=lambda d: scope_rank(d, p.region)))
        if step.empty:
            step.help = {"station": station, "hotline": HOTLINE}
        steps.append(step)
    return ForMe(p, steps, dict(Counter(left_all.values())), station)


def _conditions(docs: list[PolicyDocument]) -> list[dict]:
    """The conditions of the listed documents, each quoted with its citation, a few from each."""
    out: list[dict] = []
    per_doc = max(2, MAX_CONDITIONS // max(1, len(docs)))
    for d in docs:
        for text in d.conditions[:per_doc]:
            out.append({"text": text, "lang": d.lang, "citation": citation(d)})
            if len(out) >= MAX_CONDITIONS:
                return out
    return out


_WORDS = {
    "zh": {"step": "第{n}步", "policies": "政策", "guides": "办事指南", "conditions": "条件",
           "may": "（可能适用）",
           "none": "本库暂无相关政策。请咨询{station}（{phone}）或拨打12345市民服务热线。",
           "left": "{n}项面向{group}的政策未列出", "more": "另有{n}项",
           "stages": "{n}项仅涉及其他学段的政策未列出", "materials": "材料",
           "where": "地点", "hours": "时间", "time_limit": "时限", "phone": "电话", "fee": "收费"},
    "en": {"step": "Step {n}", "policies": "Policies", "guides": "Service guides",
           "conditions": "Conditions", "may": " (may apply)", "more": "{n} more",
           "none": "No policy on this in the index yet. Ask {station} ({phone}) or call the 12345 "
                   "citizen hotline.",
           "left": "{n} policies for {group} not shown", "materials": "Materials",
           "stages": "{n} policies only about other school stages not shown",
           "where": "Where", "hours": "Hours", "time_limit": "Time limit", "phone": "Phone",
           "fee": "Fee"},
}  # fmt: skip


def text_lines(r: ForMe, tax: Taxonomy) -> list[str]:
    """The checklist as plain text (the command line)."""
    lang = r.profile.lang
    w = _WORDS[lang]
    st = r.station or {}
    out = []
    for n, s in enumerate(r.steps, 1):
        out.append(f"{w['step'].format(n=n)}: {s.title}")
        for label, items in ((w["policies"], s.policies), (w["guides"], s.guides)):
            if items:
                out.append(f"  {label}:")
            for i in items:
                title = (i["title_en"] or i["title"]) if lang == "en" else i["title"]
                cite = " · ".join(x for x in (i["doc_number"], i["agency"], i["publish_date"]) if x)
                may = w["may"] if i["fit"] == "may_apply" else ""
                out.append(f"    - {title}{may}\n      {cite}\n      id {i['id']}")
                for k in GUIDE_FIELDS if i["kind"] == "guide" else ():
                    v = i.get(k)
                    if v:
                        out.append(f"      {w[k]}: {'; '.join(v) if isinstance(v, list) else v}")
        if s.conditions:
            out.append(f"  {w['conditions']}:")
            out.extend(f"    - {c['text']}  [{c['citation']['text']}]" for c in s.conditions)
        if s.more:
            out.append(f"  {w['more'].format(n=s.more)}")
        if s.empty:
            name = st.get("name_zh" if lang == "zh" else "name_en", "")
            out.append("  " + w["none"].format(station=name, phone=st.get("phone", "")))
        for a, k in s.left_out.items():
            out.append("  " + w["left"].format(n=k, group=tax.audience_label(a, lang)))
        if s.other_stages:
            out.append("  " + w["stages"].format(n=s.other_stages))
    return out
