"""Load and validate the bundled sample corpus sources (policies/corpus/src/**/*.yaml)."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from indexer import taxonomy
from indexer.model import KINDS
from indexer.text import CJK

# The slugs come from the taxonomy and the model: one definition each.
_TAX = taxonomy.get()
REGIONS = tuple(_TAX.regions)
SCENARIOS = tuple(_TAX.scenarios)
TEMPLATES = ("gov-library", "bj-list", "bureau-gbk", "news", "en-guide", "guide")
DOC_NUMBER_RE = re.compile(rf"^[{CJK}]{{1,12}}〔(19|20)\d\d〕\d{{1,4}}号$")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED = (
    "slug",
    "template",
    "kind",
    "lang",
    "title",
    "agency",
    "written_date",
    "publish_date",
    "status",
    "regions",
    "scenarios",
    "body",
)


@dataclass
class SampleDoc:
    """One sample document as its author declared it."""

    path: Path
    slug: str
    template: str
    kind: str
    lang: str
    title: str
    agency: str
    written_date: _dt.date
    publish_date: _dt.date
    status: str
    regions: list[str]
    scenarios: list[str]
    body: str
    doc_number: str | None = None
    title_en: str | None = None
    summary_en: str | None = None
    explains: str | None = None
    replaced_by: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def group(self) -> str:
        return self.path.parent.name


def _problems(raw: dict) -> list[str]:
    out = [f"missing field {k!r}" for k in REQUIRED if raw.get(k) in (None, "", [])]
    if out:
        return out
    if not SLUG_RE.match(str(raw["slug"])):
        out.append("slug must be lowercase ascii words joined by hyphens")
    if raw["template"] not in TEMPLATES:
        out.append(f"template must be one of {TEMPLATES}")
    if raw["kind"] not in KINDS:
        out.append(f"kind must be one of {KINDS}")
    if raw["lang"] not in ("zh", "en"):
        out.append("lang must be zh or en")
    if raw["status"] not in ("in_force", "expired"):
        out.append("status must be in_force or expired")
    if raw["status"] == "expired" and not raw.get("replaced_by"):
        out.append("an expired document needs replaced_by")
    for r in raw["regions"]:
        if r not in REGIONS:
            out.append(f"unknown region {r!r}")
    for s in raw["scenarios"]:
        if s not in SCENARIOS:
            out.append(f"unknown scenario {s!r}")
    for k in ("written_date", "publish_date"):
        if not isinstance(raw[k], _dt.date):
            out.append(f"{k} must be a YYYY-MM-DD date")
    if not out and raw["written_date"] > raw["publish_date"]:
        out.append("written_date must not be after publish_date")
    if not out and raw["written_date"] == raw["publish_date"] and raw["kind"] == "policy":
        out.append("a policy's written_date and publish_date should differ")
    dn = raw.get("doc_number")
    if dn and not DOC_NUMBER_RE.match(dn):
        out.append(f"doc_number {dn!r} must look like 京政发〔2022〕12号 (canonical 〔〕 form)")
    if raw["kind"] in ("interpretation", "guide", "translation") and not raw.get("explains"):
        out.append(f"a {raw['kind']} needs explains: the slug of the policy it relates to")
    if raw["kind"] == "translation" and raw["lang"] != "en":
        out.append("a translation is an English document (lang: en)")
    body = str(raw["body"])
    n = len(body)
    if not 400 <= n <= 3000 and raw["lang"] == "zh":
        out.append(f"body has {n} characters; want 400-3000")
    if not 600 <= n <= 5000 and raw["lang"] == "en":
        out.append(f"body has {n} characters; want 600-5000")
    if (
        raw["lang"] == "zh"
        and raw["kind"] != "policy"
        and "title_en" in raw
        and not raw["title_en"]
    ):
        out.append("title_en is empty")
    return out


def load_sources(root: Path) -> tuple[list[SampleDoc], list[str]]:
    """Every sample document under root, and a list of 'file: problem' strings."""
    docs: list[SampleDoc] = []
    errors: list[str] = []
    known = {f.name for f in SampleDoc.__dataclass_fields__.values()}
    for path in sorted(root.rglob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            errors.append(f"{path}: not valid YAML: {exc}")
            continue
        if not isinstance(raw, dict):
            errors.append(f"{path}: expected a mapping")
            continue
        problems = _problems(raw)
        if problems:
            errors.extend(f"{path}: {p}" for p in problems)
            continue
        raw["body"] = str(raw["body"]).strip()
        extra = {k: v for k, v in raw.items() if k not in known}
        fields_ = {k: v for k, v in raw.items() if k in known and k != "path"}
        docs.append(SampleDoc(path=path, extra=extra, **fields_))
    slugs: dict[str, Path] = {}
    for d in docs:
        if d.slug in slugs:
            errors.append(f"{d.path}: slug {d.slug!r} already used in {slugs[d.slug]}")
        slugs[d.slug] = d.path
    for d in docs:
        for ref in (d.explains, d.replaced_by):
            if ref and ref not in slugs:
                errors.append(f"{d.path}: refers to unknown slug {ref!r}")
    return docs, errors
