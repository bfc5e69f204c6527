"""Pure field parsers: 发文字号, dates, validity periods, status, agencies, titles, language."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from . import patterns as P
from .text import CJK, cjk_count, clean_space, has_cjk, latin_count, squash

__all__ = ["clean_space", "squash"]  # re-exported: the parsers' callers use them with them

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def normalize_doc_number(raw: str | None) -> str | None:
    """京政发[2022] 12 号 / （２０２２）第12号 / 京政发2022第12号 -> 京政发〔2022〕12号."""
    if not raw:
        return None
    text = unicodedata.normalize("NFKC", raw)
    text = text.replace("〔", "[").replace("〕", "]")
    m = P.DOC_NUMBER_RE.search(text)
    if not m:
        return None
    year = m.group("year") or m.group("bare")
    prefix = squash(m.group("prefix"))
    return f"{prefix}〔{year}〕{int(m.group('serial'))}号"


def find_doc_number(text: str) -> str | None:
    """The first 发文字号 in text that is not part of a citation of another document."""
    norm = unicodedata.normalize("NFKC", text).replace("〔", "[").replace("〕", "]")
    for m in P.DOC_NUMBER_RE.finditer(norm):
        before = norm[max(0, m.start() - 80) : m.start()]
        sentence = re.split(r"[。；;\n]", before)[-1] + m.group("prefix")
        # A number right after 《…》, or in a sentence that cites (根据、按照…),
        # names another document.
        if (
            sentence.rstrip("（( ")[-1:] == "》"
            or before.count("《") > before.count("》")
            or any(w in sentence for w in P.CITATION_MARKERS)
        ):
            continue
        return normalize_doc_number(m.group(0))
    return None


def _cn_number(s: str) -> int:
    if all(c in P.CN_DIGITS for c in s) and "十" not in s:
        return int("".join(str(P.CN_DIGITS[c]) for c in s))
    total, cur = 0, 0
    for c in s:
        v = P.CN_DIGITS[c]
        if v == 10:
            total += (cur or 1) * 10
            cur = 0
        else:
            cur = v
    return total + cur


def parse_date(text: str | None) -> str | None:
    """The first date in text as YYYY-MM-DD; Chinese numerals and English month names understood."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    found: list[tuple[int, int, int, int]] = []
    for rx in P.DATE_PATTERNS:
        for m in rx.finditer(text):
            found.append((m.start(), int(m.group("y")), int(m.group("m")), int(m.group("d"))))
            break
    m = P.CN_DATE_RE.search(text)
    if m:
        found.append(
            (
                m.start(),
                _cn_number(m.group("y")),
                _cn_number(m.group("m")),
                _cn_number(m.group("d")),
            )
        )
    m = P.EN_DATE_RE.search(text)
    if m:
        mon = (m.group("mon") or m.group("mon2"))[:3].lower()
        found.append(
            (
                m.start(),
                int(m.group("y") or m.group("y2")),
                _MONTHS[mon],
                int(m.group("d") or m.group("d2")),
            )
        )
    for _, y, mo, d in sorted(found):
        try:
            return dt.date(y, mo, d).isoformat()
        except ValueError:
            continue
    return None


def _years_later(day: dt.date, years: int) -> dt.date:
    """The last day of a period of whole years that begins on day."""
    try:
        end = day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        end = dt.date(day.year + years, 3, 1)
    return end - dt.timedelta(days=1)


def parse_validity(
    text: str, written_date: str | None = None, publish_date: str | None = None
) -> str | None:
    """The last day of the validity period a text states, as YYYY-MM-DD, or None.

    有效期至2027年12月31日 gives that day; 自2024年3月1日起施行，有效期3年 gives 2027-02-28 (three
    years from the first day). 自印发之日起 counts from the written date, 自发布之日起 from the
    publish date. The last statement wins: the closing clause says when a text ends."""
    text = unicodedata.normalize("NFKC", text or "")
    found: list[tuple[int, str]] = []
    for m in P.VALID_UNTIL_RE.finditer(text):
        day = parse_date(m.group("date"))
        if day:
            found.append((m.start(), day))
    for m in P.VALID_YEARS_RE.finditer(text):
        start = m.group("start")
        published = any(w in start for w in P.PUBLISHED_WORDS)
        begin = parse_date(start) or (publish_date if published else written_date)
        begin = begin or written_date or publish_date
        raw = m.group("n").replace("两", "二")
        years = int(raw) if raw.isdigit() else _cn_number(raw)
        if begin and 0 < years <= 100:
            end = _years_later(dt.date.fromisoformat(begin), years)
            found.append((m.start(), end.isoformat()))
    return max(found)[1] if found else None


def parse_status(value: str | None) -> str | None:
    """有效 / 失效 / 废止 / in force … -> in_force | expired; None when it says neither."""
    if not value:
        return None
    v = squash(value).lower()
    if any(squash(w) in v for w in P.EXPIRED_VALUES):
        return "expired"
    if any(squash(w) in v for w in P.IN_FORCE_VALUES):
        return "in_force"
    return None


def cut_tools(value: str) -> str:
    """A metadata value without the page tools printed after it on the same line."""
    for word in P.UI_WORDS:
        at = value.find(word)
        if at > 0:
            value = value[:at]
    return value.strip(" |｜:：")


def clean_agency(value: str | None) -> str | None:
    """An issuing agency, or None for media outlets and empty values. Joint issuers joined."""
    if not value:
        return None
    v = clean_space(value)
    v = re.sub(r"^(来源|发文机关|发布机构)[:：]\s*", "", v)
    v = re.sub(r"[【\[]\s*(字体|字号|打印|关闭)[^】\]]*[】\]]", "", v).strip()
    v = cut_tools(v)
    # Joint issuers are separated by 、 or punctuation; a space separates them only between
    # Chinese names ("北京市人力资源和社会保障局 北京市财政局"), never inside an English name.
    parts = [
        p.strip() for p in re.split(rf"[、，,;；/]+|(?<=[{CJK}])\s+(?=[{CJK}])", v) if p.strip()
    ]
    return join_agencies(p for p in parts if not is_media(p))


def join_agencies(names) -> str | None:
    """Joint issuers in the printed order, once each: joined by 、 in Chinese, by commas in
    English."""
    names = list(dict.fromkeys(n for n in names if n))
    return ("、" if any(has_cjk(n) for n in names) else ", ").join(names) or None


def is_media(name: str) -> bool:
    """A newspaper, broadcaster or news site (北京日报, 新华社), not a press office (新闻办公室)."""
    if any(o in name for o in P.MEDIA_OUTLETS):
        return True
    return any(w in name for w in P.MEDIA_WEAK_WORDS) and not name.endswith(P.GOV_BODY_WORDS)


_TRAILING_ENGLISH = re.compile(rf"(?<=[{CJK}）)])\s+(?P<en>[A-Za-z][A-Za-z'’,&()\- ]{{14,}})$")


def split_bilingual_title(title: str) -> tuple[str, str | None]:
    """A Chinese headline with its English rendering after it -> (Chinese, English)."""
    m = _TRAILING_ENGLISH.search(title)
    if m and len(m.group("en").split()) >= 3:
        return title[: m.start()].strip(), m.group("en").strip()
    return title, None


def is_government_body(name: str | None) -> bool:
    """A name that reads as a government body (区教委, 北京市人才工作局, Beijing Municipal Commerce
    Bureau), not a newspaper, a website or a person."""
    if not name or is_media(name):
        return False
    parts = [p for p in name.split("、") if p]
    return all(
        p.endswith(P.GOV_BODY_WORDS) or any(w in p for w in P.EN_AGENCY_WORDS) for p in parts
    )


def clean_title(raw: str | None) -> str | None:
    """Strip site and channel suffixes: '某通知_国务院部门文件_中国政府网' -> '某通知'."""
    if not raw:
        return None
    t = clean_space(raw)
    parts = [p for p in P.TITLE_SEPARATORS_RE.split(t) if p]
    if len(parts) > 1:
        keep = [
            p for p in parts if not any(w.lower() in p.lower() for w in P.SITE_WORDS) or len(p) > 30
        ]
        parts = keep or parts[:1]
        t = max(parts, key=len) if len(parts) > 1 else parts[0]
    return t.strip() or None


def detect_lang(text: str, declared: str | None = None) -> str:
    """'zh' when CJK characters make up a fair share of the letters, else 'en'."""
    sample = text[:4000]
    cjk = cjk_count(sample)
    latin = latin_count(sample)
    if cjk + latin == 0:
        return "zh" if (declared or "").lower().startswith("zh") else "en" if declared else "zh"
    return "zh" if cjk * 3 >= latin * 0.5 and cjk >= 0.05 * (cjk + latin) else "en"
