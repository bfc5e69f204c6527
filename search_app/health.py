"""Package and source health for operators (no Flask), read from the document store: the 8 × 9
matrix of packages with their in-force, expired, unknown-status and gone counts, documents changed
lately, documents whose stated validity ends soon, thin packages, and per source its last
successful crawl, failures and pages gone. One report for `/operator/health` and
`policy-index health`."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass, field

from indexer.history import BEIJING, iso_time
from indexer.store import DocumentStore
from indexer.taxonomy import Taxonomy

from .packages import package_keys

CHANGED_DAYS = 30  # "changed lately"
EXPIRING_DAYS = 90  # "expires soon"
THIN = 2  # a package with fewer policies in force than this is thin
STALE_DAYS = 14  # a source not crawled successfully for this long is stale
MAX_REASONS = 3


@dataclass
class PackageHealth:
    key: str
    region: str
    scenario: str
    title_zh: str
    title_en: str
    in_force: int = 0
    expired: int = 0
    unknown: int = 0
    gone: int = 0  # its page went from the source: kept, no longer listed in the package
    changed: int = 0  # changed in the last CHANGED_DAYS days (a new version a crawl saw)
    expiring: int = 0  # in force or unknown, its stated validity ends within EXPIRING_DAYS

    @property
    def trouble(self) -> list[str]:
        """What is wrong, as slugs: thin, gone, expiring."""
        out = ["thin"] if self.in_force < THIN else []
        return out + [k for k in ("gone", "expiring") if getattr(self, k)]

    def to_dict(self) -> dict:
        return {**asdict(self), "trouble": self.trouble}


@dataclass
class SourceHealth:
    name: str
    pages: int
    last_success: str | None  # RFC 3339, Beijing time
    last_fetch: str | None
    failed: int  # URLs whose last fetch failed
    gone: int  # URLs whose page went
    stale: bool
    reasons: list[str] = field(default_factory=list)  # a few reasons of the failures

    @property
    def trouble(self) -> list[str]:
        """never (no successful fetch), stale, failed, gone."""
        out = ["never"] if self.last_success is None else ["stale"] if self.stale else []
        return out + [k for k in ("failed", "gone") if getattr(self, k)]

    def to_dict(self) -> dict:
        return {**asdict(self), "trouble": self.trouble}


@dataclass
class Listed:
    """A document named in the report: expiring soon, or changed lately."""

    id: str
    title: str
    day: str  # its validity's last day, or the day it changed
    packages: list[str]
    status: str = ""
    what: str = ""  # for a change: new | changed | gone | returned


@dataclass
class HealthReport:
    today: str
    regions: list[str]
    scenarios: list[str]
    packages: dict[str, PackageHealth]
    sources: list[SourceHealth]
    expiring: list[Listed]
    changed: list[Listed]

    def package(self, region: str, scenario: str) -> PackageHealth:
        return self.packages[f"{region}/{scenario}"]

    @property
    def thin(self) -> list[PackageHealth]:
        return [p for p in self.packages.values() if "thin" in p.trouble]

    def to_dict(self) -> dict:
        return {
            "today": self.today,
            "thresholds": {"thin_below_in_force": THIN, "changed_days": CHANGED_DAYS,
                           "expiring_days": EXPIRING_DAYS, "stale_days": STALE_DAYS},
            "packages": [p.to_dict() for p in self.packages.values()],
            "thin": [p.key for p in self.thin],
            "expiring": [asdict(x) for x in self.expiring],
            "changed": [asdict(x) for x in self.changed],
            "sources": [s.to_dict() for s in self.sources],
        }  # fmt: skip


def report(store: DocumentStore, tax: Taxonomy, now: float | None = None) -> HealthReport:
    """The health of every package and source, as of now (default: the current time)."""
    now = time.time() if now is None else now
    today = dt.datetime.fromtimestamp(now, BEIJING).date()
    horizon = (today + dt.timedelta(days=EXPIRING_DAYS)).isoformat()
    packages = {}
    for region in tax.communities:
        for scenario in tax.scenarios:
            info = tax.package(region, scenario)
            packages[info.key] = PackageHealth(info.key, region, scenario, info.title_zh,
                                               info.title_en)  # fmt: skip
    changes = store.history.recent(since=now - CHANGED_DAYS * 86400, limit=100_000)
    changed_ids = {v.doc_id for v in changes if v.event != "new"}
    expiring, titles, keys_of = [], {}, {}
    for doc in store.iter_documents():
        if doc.copy_of is not None:
            continue  # its canonical stands for it, in the index and here
        keys = [f"{r}/{s}" for r, s, _ in package_keys(doc.regions, doc.scenarios, tax)]
        titles[doc.id], keys_of[doc.id] = doc.title, keys
        soon = (
            not doc.gone and doc.status != "expired" and doc.valid_until is not None
            and today.isoformat() <= doc.valid_until <= horizon
        )  # fmt: skip
        if soon:
            expiring.append(Listed(doc.id, doc.title, doc.valid_until, keys, doc.status))
        for key in keys:
            p = packages[key]
            if doc.gone:
                p.gone += 1
            else:
                setattr(p, doc.status, getattr(p, doc.status) + 1)
            p.changed += doc.id in changed_ids
            p.expiring += soon
    changed = [
        Listed(v.doc_id, titles.get(v.doc_id, v.title), v.day, keys_of.get(v.doc_id, []),
               v.status, v.event)
        for v in changes if v.event != "new"
    ]  # fmt: skip
    return HealthReport(today.isoformat(), list(tax.communities), list(tax.scenarios), packages,
                        _sources(store, now), sorted(expiring, key=lambda x: x.day),
                        changed)  # fmt: skip


def _sources(store: DocumentStore, now: float) -> list[SourceHealth]:
    out = []
    for name, pages, last_ok, failed, gone, last in store.sources_log():
        stale = last_ok is not None and now - last_ok > STALE_DAYS * 86400
        out.append(SourceHealth(
            name or "", pages, iso_time(last_ok) if last_ok else None,
            iso_time(last) if last else None, int(failed or 0), int(gone or 0), stale,
            store.failure_reasons(name, MAX_REASONS) if failed else [],
        ))  # fmt: skip
    return out


def text_lines(h: HealthReport) -> list[str]:
    """The report as lines for a terminal (English, slugs for names)."""
    width = max(len(s) for s in h.scenarios) + 2
    out = [
        f"Package health on {h.today}. Each cell: in force/expired/unknown, then flags: "
        f"T thin (fewer than {THIN} in force), G a policy gone, E expiring within "
        f"{EXPIRING_DAYS} days, ~ changed in {CHANGED_DAYS} days.",
        "".ljust(20) + "".join(s[: width - 1].ljust(width) for s in h.scenarios),
    ]
    for r in h.regions:
        cells = []
        for s in h.scenarios:
            p = h.package(r, s)
            flags = "".join(f for f, on in (("T", "thin" in p.trouble), ("G", p.gone),
                                            ("E", p.expiring), ("~", p.changed)) if on)  # fmt: skip
            cells.append(f"{p.in_force}/{p.expired}/{p.unknown} {flags}".strip().ljust(width))
        out.append(r.ljust(20) + "".join(cells))
    out.append(f"\nThin packages ({len(h.thin)}): " + (", ".join(p.key for p in h.thin) or "none"))
    out.append(f"\nExpiring within {EXPIRING_DAYS} days ({len(h.expiring)}):")
    out += [f"  {x.day}  {x.title}  [{x.id}]" for x in h.expiring] or ["  none"]
    out.append(f"\nChanged in the last {CHANGED_DAYS} days ({len(h.changed)}):")
    out += [f"  {x.day}  {x.what:<9} {x.title}  [{x.id}]" for x in h.changed[:50]] or ["  none"]
    out.append("\nSources:")
    for s in h.sources:
        state = ", ".join(s.trouble) or "fine"
        out.append(
            f"  {s.name}: {s.pages} pages, last successful crawl {s.last_success or 'never'}"
            f", {s.failed} failing, {s.gone} gone: {state.upper() if s.trouble else state}"
        )
        out += [f"    {reason}" for reason in s.reasons]
    if not h.sources:
        out.append("  none crawled yet")
    return out
