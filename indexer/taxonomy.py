"""The taxonomy (policies/taxonomy.yaml): regions, scenarios, audiences and needs with their
labels and vocabulary, package texts, facts."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from . import settings

WIDER_SCOPES = ("beijing", "national")


@dataclass(frozen=True)
class Region:
    slug: str
    zh: str
    en: str
    kind: str = "community"
    community_zh: str = ""
    community_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    aliases: tuple[str, ...] = ()
    agency_markers: tuple[str, ...] = ()
    facts: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Scenario:
    slug: str
    zh: str
    en: str
    description_zh: str = ""
    description_en: str = ""
    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackageInfo:
    key: str
    region: str
    scenario: str
    title_zh: str
    title_en: str
    description_zh: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Audience:
    """A group a document is for (foreign-talent, employer …) and the words that name it."""

    slug: str
    zh: str
    en: str
    description_zh: str = ""
    description_en: str = ""
    words: tuple[str, ...] = ()
    body: int = 3  # occurrences in a whole text that decide alone


@dataclass(frozen=True)
class Need:
    """What a person may need (work-permit, housing … or a scene): the scenes that hold it and the
    words that find it there (no words: the whole scene)."""

    slug: str
    zh: str
    en: str
    scenes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Agency:
    """An issuing agency's one display name per language, and the other spellings of it."""

    zh: str
    en: str
    also: tuple[str, ...] = ()


_JOINT = re.compile(r"[、,，;；]")  # joint issuers: 、 in Chinese, commas in English pages


class TaxonomyError(ValueError):
    """taxonomy.yaml is missing or malformed."""


@dataclass
class Taxonomy:
    regions: dict[str, Region]
    scenarios: dict[str, Scenario]
    packages: dict[str, PackageInfo]
    audiences: dict[str, Audience] = field(default_factory=dict)
    needs: dict[str, Need] = field(default_factory=dict)  # finer needs, then one per scene
    agencies: dict[str, Agency] = field(default_factory=dict)  # by its Chinese name

    @cached_property
    def _agency_spellings(self) -> dict[str, str]:
        """Every spelling of an agency (lower case) -> its Chinese name."""
        out = {}
        for a in self.agencies.values():
            for name in (a.zh, a.en, *a.also):
                out[name.strip().lower()] = a.zh
        return out

    def agency_keys(self, name: str) -> list[str]:
        """The agencies a document's agency field names, each by its one key (its Chinese name
        when the taxonomy knows it, else as written): joint issuers are split only when every
        part is known ("Ministry of Finance, State Taxation Administration")."""
        spellings = self._agency_spellings
        whole = spellings.get(name.strip().lower())
        if whole:
            return [whole]
        parts = [x.strip() for x in _JOINT.split(name) if x.strip()]
        if len(parts) > 1 and all(x.lower() in spellings for x in parts):
            return [spellings[x.lower()] for x in parts]
        return [name]

    def agency_label(self, name: str, lang: str = "zh") -> str:
        """An agency field as a reader of lang sees it: each agency by its one name."""
        names = []
        for key in self.agency_keys(name):
            a = self.agencies.get(key)
            names.append((a.zh if lang == "zh" else a.en) if a else key)
        return ("、" if lang == "zh" else ", ").join(names)

    @cached_property
    def communities(self) -> tuple[str, ...]:
        return tuple(s for s, r in self.regions.items() if r.kind == "community")

    @cached_property
    def lowered_vocabulary(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """Per scene its (strong, weak) words in lower case, as classification compares them."""
        return {slug: (tuple(t.lower() for t in s.strong), tuple(t.lower() for t in s.weak))
                for slug, s in self.scenarios.items()}  # fmt: skip

    @cached_property
    def classifier_digest(self) -> str:
        """Digest of what classification reads (aliases, agency markers, scenario words): a change
        to it is a new extractor version; labels and package texts are not."""
        words = {
            "regions": {s: [r.aliases, r.agency_markers] for s, r in self.regions.items()},
            "scenarios": {s: [c.strong, c.weak] for s, c in self.scenarios.items()},
            "audiences": {s: [a.words, a.body] for s, a in self.audiences.items()},
        }
        blob = json.dumps(words, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha1(blob).hexdigest()[:8]

    def package(self, region: str, scenario: str) -> PackageInfo:
        key = f"{region}/{scenario}"
        if key in self.packages:
            return self.packages[key]
        r, s = self.regions[region], self.scenarios[scenario]
        return PackageInfo(key, region, scenario, f"{r.zh}·{s.zh}政策包", f"{r.en}: {s.en}")

    def audience_label(self, slug: str, lang: str = "zh") -> str:
        a = self.audiences.get(slug)
        return (a.zh if lang == "zh" else a.en) if a else slug

    def need_label(self, slug: str, lang: str = "zh") -> str:
        n = self.needs.get(slug)
        return (n.zh if lang == "zh" else n.en) if n else slug

    def region_label(self, slug: str, lang: str = "zh") -> str:
        r = self.regions.get(slug)
        return (r.zh if lang == "zh" else r.en) if r else slug

    def scenario_label(self, slug: str, lang: str = "zh") -> str:
        s = self.scenarios.get(slug)
        return (s.zh if lang == "zh" else s.en) if s else slug


def _tuple(v) -> tuple[str, ...]:
    return tuple(str(x) for x in (v or ()))


def load(path: Path) -> Taxonomy:
    """Parse taxonomy.yaml, and the per-community facts files beside the corpus."""
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML has it
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
        regions = {
            slug: Region(
                slug=slug,
                zh=r["zh"],
                en=r["en"],
                kind=r.get("kind", "community"),
                community_zh=r.get("community_zh", ""),
                community_en=r.get("community_en", ""),
                description_zh=r.get("description_zh", ""),
                description_en=r.get("description_en", ""),
                aliases=_tuple(r.get("aliases")),
                agency_markers=_tuple(r.get("agency_markers")),
                facts=r.get("facts") or {},
            )
            for slug, r in raw["regions"].items()
        }
        scenarios = {
            slug: Scenario(
                slug=slug,
                zh=s["zh"],
                en=s["en"],
                description_zh=s.get("description_zh", ""),
                description_en=s.get("description_en", ""),
                strong=_tuple((s.get("vocabulary") or {}).get("strong")),
                weak=_tuple((s.get("vocabulary") or {}).get("weak")),
            )
            for slug, s in raw["scenarios"].items()
        }
        packages = {}
        for key, p in (raw.get("packages") or {}).items():
            region, scenario = key.split("/")
            packages[key] = PackageInfo(
                key,
                region,
                scenario,
                p["title_zh"],
                p["title_en"],
                p.get("description_zh", ""),
                p.get("description_en", ""),
            )
        audiences = {
            slug: Audience(slug, a["zh"], a["en"], a.get("description_zh", ""),
                           a.get("description_en", ""), _tuple(a.get("words")),
                           int(a.get("body", 3)))
            for slug, a in (raw.get("audiences") or {}).items()
        }  # fmt: skip
        needs = {
            slug: Need(slug, n["zh"], n["en"], _tuple(n.get("scenes")), _tuple(n.get("words")))
            for slug, n in (raw.get("needs") or {}).items()
        }
        for slug, sc in scenarios.items():  # every scene is a need of its own
            needs.setdefault(slug, Need(slug, sc.zh, sc.en, (slug,)))
        agencies = {
            a["zh"]: Agency(a["zh"], a["en"], _tuple(a.get("also")))
            for a in raw.get("agencies") or ()
        }
        unknown = {s for n in needs.values() for s in n.scenes} - set(scenarios)
        if unknown:
            raise ValueError(f"needs name unknown scenes: {sorted(unknown)}")
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, ValueError) as exc:
        raise TaxonomyError(f"cannot read taxonomy {path}: {exc}") from exc
    return Taxonomy(regions, scenarios, packages, audiences, needs, agencies)


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> Taxonomy:
    return load(Path(path))


def get(path: str | Path | None = None) -> Taxonomy:
    """The taxonomy at path (default: the bundled one), cached until the file changes."""
    p = Path(str(path or settings.POLICIES_DIR / "taxonomy.yaml"))
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise TaxonomyError(f"cannot read taxonomy {p}: {exc}") from exc
    return _cached(str(p), mtime)
