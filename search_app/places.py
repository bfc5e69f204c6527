"""How a query names a community or a wider scope: the taxonomy's aliases, the names of the
scopes as people type them, local names that contain an alias, and places named without their
administrative suffix or by the short form of their zone type (no Flask)."""

from __future__ import annotations

import re

from indexer.analysis import fold
from indexer.taxonomy import Taxonomy
from indexer.text import has_cjk

# Names of the wider scopes as people type them (the taxonomy leaves them out of the classifier,
# where every district's "北京市…" agency would match).
SCOPE_ALIASES = {
    "北京": "beijing",
    "北京市": "beijing",
    "全市": "beijing",
    "beijing": "beijing",
    "全国": "national",
    "国家": "national",
    "中国": "national",
    "china": "national",
}


def named_within(word: str, aliases: dict[str, str]) -> str | None:
    """The community a longer local name holds (首钢园 -> 首钢, 望京soho -> 望京): the longest
    Chinese alias of two or more characters inside the word."""
    if not has_cjk(word) or len(word) < 3:
        return None
    inside = [a for a in aliases if len(a) >= 2 and has_cjk(a) and a in word]
    return aliases[max(inside, key=len)] if inside else None


# How people shorten a place's name: the administrative suffix left off (天竺镇 -> 天竺, 上地街道
# -> 上地) and the usual abbreviations of zone types (天竺综合保税区 -> 天竺综保区).
_PLACE_SUFFIX = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:镇|乡|街道|地区)$")
_ZONE_SHORT = (
    ("综合保税区", "综保区"), ("经济技术开发区", "经开区"), ("高新技术产业开发区", "高新区"),
)  # fmt: skip


_ALIASES: dict[int, tuple[Taxonomy, dict[str, str]]] = {}


def aliases_of(tax: Taxonomy | None) -> dict[str, str]:
    """Every name a query may give a community or scope by, lower case (kept per taxonomy)."""
    if tax is None:
        return {}
    kept = _ALIASES.get(id(tax))
    if kept is not None and kept[0] is tax:
        return kept[1]
    out = {k: v for k, v in SCOPE_ALIASES.items() if v in tax.regions}
    for slug, r in tax.regions.items():
        for a in (*r.aliases, r.zh):
            out.setdefault(fold(a).lower(), slug)
    for name, slug in list(out.items()):
        for long, short in _ZONE_SHORT:
            if long in name:
                out.setdefault(name.replace(long, short), slug)
        out.setdefault(_PLACE_SUFFIX.sub("", name), slug)
    if len(_ALIASES) > 8:  # tests make many taxonomies; a server has one
        _ALIASES.clear()
    _ALIASES[id(tax)] = (tax, out)
    return out
