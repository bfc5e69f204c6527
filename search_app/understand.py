"""Query understanding, one pipeline for web, API and CLI (no Flask): folding, 发文字号, phrases,
English -> Chinese glossary, colloquial -> official synonyms, community names, filler words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh.query import And, AndMaybe, Or, Phrase, Query, Term

from indexer.analysis import (
    DEFAULT_USER_DICT,
    bigrams,
    english_terms,
    fold,
    jieba_tokenizer,
    query_words,
)
from indexer.fields import normalize_doc_number
from indexer.schema import EN_FIELDS, ZH_FIELDS
from indexer.taxonomy import Taxonomy
from indexer.text import CJK, has_cjk, is_cjk

from . import lexicon
from .places import aliases_of, named_within
from .ranking import FACTOR, FIELD_WEIGHTS

# Words that carry no information in a question ("怎么申请人才公寓", "how do I get a visa").
STOP_ZH = frozenset(
    "的 了 吗 呢 啊 吧 呀 么 嘛 怎么 怎样 怎么样 怎么办 如何 哪里 哪儿 在哪 在哪里 "
    "哪些 哪个 什么 啥 需要 "
    "我 我们 你 您 他 她 请问 想 想要 想知道 能 能否 可以 可不可以 是 是否 有 有没有 "
    "和 与 及 或 在 到 给 把 被 要 去 "
    "一下 请 吗？ 呢？ 还 就 都 也 该 应该 需 "
    # a desk question's telling: who asks, what they would like, what they are not sure of
    "不能 能不能 要不要 会不会 行不行 可以吗 问 咨询 打算 准备 觉得 现在 目前 已经 刚 刚刚 自己 "
    "平时 还是 先 再 然后 这 那 这个 那个 哪 一些 有些 很 比较 特别 就是 他们 她们 它 咱们 "
    "他 她 想把 带着 一直".split()
)
STOP_EN = frozenset(
    "how do does did i me my we our you your what where when which who whom is are was were the to "
    "of for in on at and or can could should would get need needs want with about an there "
    "any this that please tell find help apply".split()
)
# "R签证", "Z字签证", "M签": a visa named by its letter in a Chinese sentence is the English phrase.
_LETTER_VISA = re.compile(rf"(?<![a-z])([a-z])字?签证?(?![{CJK}]*签)", re.I)
# What people ask about a thing rather than the thing (申请条件, 办理流程, requirements): when the
# query names a topic too, these words only boost, since a policy on the topic may
# word them otherwise.
ASPECT_WORDS = frozenset(
    "申请 申办 申领 办理 条件 资格 材料 流程 程序 手续 要求 标准 规定 政策 指南 "
    "多久 时间 时限 地点 费用 "
    "apply application requirement requirements condition conditions document documents "
    "procedure process "
    "rule rules policy policies guide".split()
)
# What a desk question says about the asker rather than what it asks (一位韩国籍工程师下个月入职,
# 8岁和15岁两个孩子, 在京工作两年了): the nationality, when, how old, how many, how long.
_ABOUT_THE_ASKER = re.compile(
    r"(?:[\u4e00-\u9fff]{2,5}(?<![外户学京])籍|(?:今年|去年|明年|前年)?\d{1,2}月份?|"
    r"(?:下|上|这|本)(?:个)?(?:月|周|星期)|(?:今|去|明|前)年|"
    r"[\d一二两三四五六七八九十半]+(?:岁|周岁|个月|年了|年多|多年)|"
    r"[\d一二两三四五六七八九十]+(?:个|位|名|家)(?=[\u4e00-\u9fff])|一(?:位|名|家|个))"
)
# What a question asks for, and the kind of page that answers it: a guide says what to bring,
# where to go, how long and how much; the policy says who qualifies.
_I = re.I
INTENTS = (
    ("materials", "guide", re.compile(
        r"材料|带什么|准备什么|要带|哪些证件|手续|what (?:documents|do i need|to bring)|"
        r"documents? (?:needed|required)|paperwork", _I)),
    ("where", "guide", re.compile(r"在哪|哪里|去哪|什么地方|地点|地址|窗口|\bwhere\b", _I)),
    ("how long", "guide", re.compile(
        r"多久|多长时间|几天|多少天|时限|how long|processing time", _I)),
    ("cost", "guide", re.compile(r"多少钱|费用|收费|要钱|how much|\bfees?\b|\bcost", _I)),
    ("who qualifies", "policy", re.compile(
        r"谁可以|谁能|什么条件|哪些条件|符合|资格|能不能|可不可以|是否可以|"
        r"eligib|who can|qualif", _I)),
)  # fmt: skip
# Spoken and northern forms of the question words, read as the written ones (签证咋续 is 签证怎么续)
# so that they carry no weight either; 娃 is a child in any register.
SPOKEN = {
    "咋": "怎么", "啥": "什么", "俩": "两", "娃": "孩子", "木有": "没有", "多会儿": "什么时候",
}  # fmt: skip
_SPOKEN = re.compile("|".join(sorted(SPOKEN, key=len, reverse=True)))
_YEAR_WITH_NIAN = re.compile(r"((?:19|20)\d\d)\s*年(?=\s*第?\s*\d{1,5}\s*号)")
_CJK_GAP = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")
_PHRASE_RE = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」')
# How much each way of finding a concept weighs: the ranking table (search_app/ranking.py).
DOC_NUMBER_BOOST = FACTOR["doc_number"]
RELATED_NUMBER_BOOST = FACTOR["related_number"]
PHRASE_BOOST = FACTOR["phrase"]
EXPANSION_WEIGHT = FACTOR["expansion"]
TRANSLATION_WEIGHT = FACTOR["translation"]
ENGLISH_WEIGHT = FACTOR["english"]
PARTS_WEIGHT = FACTOR["parts"]
PROXIMITY_SLOP = int(FACTOR["proximity_slop"])
NAME_WORDS = int(FACTOR["name_words"])


@dataclass
class Concept:
    """One thing the user asked about: the words typed, and the other terms that mean it."""

    typed: str
    words: list[str]
    expansions: list[str] = field(default_factory=list)
    source: str = "word"  # word | phrase | glossary | synonym
    english: list[str] = field(
        default_factory=list
    )  # English phrases for it, searched in English text

    @property
    def searched_words(self) -> list[str]:
        """The words searched for: an English phrase's without its stop words (seeing doctor)."""
        if len(self.words) > 1 and all(w.isascii() for w in self.words):
            return content_words(" ".join(self.words)).split()
        return self.words

    def all_terms(self) -> list[str]:
        out = list(self.searched_words)
        for e in self.expansions:
            out.extend(w for w in query_words(e) if w not in out)
        return out


@dataclass
class Understood:
    text: str
    concepts: list[Concept] = field(default_factory=list)
    doc_number: str | None = None
    regions: list[str] = field(default_factory=list)  # communities named: boosted, not filtered
    region_words: set[str] = field(default_factory=set)  # the words that named them
    dropped: list[str] = field(default_factory=list)  # filler words left out
    intent: str | None = None  # what the question asks for (materials, where, who qualifies …)
    wants_kind: str | None = None  # the kind of page that answers that

    @property
    def empty(self) -> bool:
        return not (self.concepts or self.doc_number or self.regions)

    @property
    def latin_only(self) -> bool:
        """Typed in a Latin script with no Chinese: the reader reads English."""
        return any(ch.isalpha() and ch.isascii() for ch in self.text) and not has_cjk(self.text)

    @property
    def words(self) -> list[str]:
        return [w for c in self.concepts for w in c.words]

    @property
    def terms(self) -> list[str]:
        """Every word a result may be highlighted for: typed words first, then expansions."""
        out: list[str] = []
        for c in self.concepts:
            out.extend(w for w in c.searched_words if w not in out)
        for c in self.concepts:
            out.extend(w for w in c.all_terms() if w not in out)
        return out

    def explain(self) -> dict:
        return {
            "doc_number": self.doc_number,
            "regions_boosted": self.regions,
            "dropped": self.dropped,
            "intent": self.intent,
            "concepts": [
                {
                    "typed": c.typed,
                    "words": c.words,
                    "expansions": c.expansions,
                    "source": c.source,
                    "english": c.english,
                }
                for c in self.concepts
            ],
        }


def _blank(text: str, spans: list[tuple[int, int, str]]) -> str:
    chars = list(text)
    for s, e, _ in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def understand(
    q: str, tax: Taxonomy | None = None, lex: lexicon.Lexicon | None = None
) -> Understood:
    """What q asks for, read with lex (default: the shipped vocabulary; the app passes its
    service's, which carries the operators' edits)."""
    text = fold(unicodedata.normalize("NFKC", q)).strip()
    u = Understood(text=text)
    # 怀政办发2024年11号: people write the year with 年 where the document has brackets
    u.doc_number = normalize_doc_number(text) or normalize_doc_number(
        _YEAR_WITH_NIAN.sub(r"[\1]", text)
    )
    lex = lex or lexicon.load()
    aliases = aliases_of(tax)
    u.intent, u.wants_kind = next(((name, kind) for name, kind, rx in INTENTS if rx.search(text)),
                                  (None, None))  # fmt: skip
    rest = _SPOKEN.sub(lambda m: SPOKEN[m.group(0)], text)
    for m in _ABOUT_THE_ASKER.finditer(rest):
        u.dropped.append(m.group(0))
    rest = _ABOUT_THE_ASKER.sub(" ", rest)
    for m in _PHRASE_RE.finditer(rest):
        inner = next(g for g in m.groups() if g)
        words = query_words(inner)
        if words:
            u.concepts.append(Concept(inner, words, source="phrase"))
    rest = _PHRASE_RE.sub(" ", rest)
    rest = _LETTER_VISA.sub(lambda m: f" {m.group(1).lower()} visa ", rest)
    ascii_count = sum(1 for w in query_words(rest) if w.isascii() and w.isalpha())
    found = lex.english_phrases(rest)
    for _, _, key in found:
        u.concepts.append(Concept(key, query_words(key), list(lex.glossary[key]), "glossary"))
    rest = _blank(rest, found)
    rest = _CJK_GAP.sub("", rest)  # "外国人 看病" is the phrase 外国人看病
    found = lex.colloquial(rest)
    for _, _, key in found:
        u.concepts.append(Concept(key, query_words(key), list(lex.synonyms[key]), "synonym"))
    rest = _blank(rest, found)
    for c in u.concepts:  # a community named in English or by a nickname boosts, like 望京 does
        region = next((aliases[t] for t in (c.typed, *c.expansions) if t.lower() in aliases), None)
        if region:
            u.region_words.update(c.words)
            c.source = "word"
            if region not in u.regions:
                u.regions.append(region)
    words = query_words(rest)
    for i, w in enumerate(words):
        # "a" is filler in "get a visa" but not in "Category A".
        keep_letter = w == "a" and i > 0 and words[i - 1] in ("category", "class", "type", "grade")
        if (
            w in STOP_ZH
            or (w in STOP_EN and ascii_count > 1)
            or (w == "a" and not keep_letter and ascii_count > 1)
        ):
            u.dropped.append(w)
            continue
        if any(w in c.words for c in u.concepts):
            continue
        region = aliases.get(w) or named_within(w, aliases)
        if region:
            u.region_words.add(w)
            if region not in u.regions:
                u.regions.append(region)
        u.concepts.append(Concept(w, [w]))
    for c in u.concepts:
        main = c.expansions[0] if c.expansions else c.typed
        c.english = [k for k in lex.english.get(main, ()) if k != c.typed.lower()][:4]
    return u


def word_query(word: str, weight: float = 1.0) -> Query:
    """One query word across every text field, weighted per field."""
    parts: list[Query] = [Term(f, word, boost=FIELD_WEIGHTS[f] * weight) for f in ZH_FIELDS]
    if word.isascii():
        for stem in english_terms(word)[:1]:
            parts.extend(Term(f, stem, boost=FIELD_WEIGHTS[f] * weight) for f in EN_FIELDS)
    return Or(parts)


def words_query(words: list[str], weight: float = 1.0) -> Query:
    parts = [word_query(w, weight) for w in words]
    return parts[0] if len(parts) == 1 else And(parts)


def phrase_query(words: list[str], slop: int = 1, boost: float = PHRASE_BOOST) -> Query:
    parts: list[Query] = [
        Phrase(f, words, slop=slop, boost=FIELD_WEIGHTS[f] * boost) for f in ("title", "body")
    ]
    if all(w.isascii() for w in words):
        stems = [s for w in words for s in english_terms(w)[:1]]
        if len(stems) > 1:
            parts.extend(
                Phrase(f, stems, slop=slop, boost=FIELD_WEIGHTS[f] * boost) for f in EN_FIELDS
            )
    return Or(parts)


def content_words(phrase: str) -> str:
    """An English phrase without its stop words ("see a doctor" -> "see doctor"): "a", "for",
    "my" occur in nearly every English text and would carry weight there. A letter that names
    something stays (Category A); a phrase of stop words only is kept whole."""
    words = phrase.split()
    kept = [w for i, w in enumerate(words) if not _filler(w.lower(), words[i - 1] if i else "")]
    return " ".join(kept) if kept else phrase


def _filler(word: str, before: str) -> bool:
    """A stop word, or "a" as an article (not the letter of Category A)."""
    letter = before.lower() in ("category", "class", "type", "grade")
    return word in STOP_EN or (word == "a" and not letter)


def english_query(phrase: str, weight: float, name: bool = False) -> Query | None:
    """An English phrase in the English fields only, every word but its stop words required; a
    name's words together (within PROXIMITY_SLOP, in order)."""
    stems = english_terms(content_words(phrase))
    if not stems:
        return None
    if name and len(stems) > 1:
        slop = PROXIMITY_SLOP
        return Or([Phrase(f, stems, slop=slop, boost=FIELD_WEIGHTS[f] * weight) for f in EN_FIELDS])
    parts = [Or([Term(f, s, boost=FIELD_WEIGHTS[f] * weight) for f in EN_FIELDS]) for s in stems]
    return parts[0] if len(parts) == 1 else And(parts)


def compound_parts(word: str) -> list[str]:
    """A long Chinese dictionary word split into the dictionary words it is made of, longest
    first from the left (子女入学 -> 子女 入学); [] when it does not split cleanly."""
    if len(word) < 4 or not is_cjk(word):
        return []
    freq = jieba_tokenizer(DEFAULT_USER_DICT).FREQ
    parts, i = [], 0
    while i < len(word):
        size = next(
            (
                n
                for n in range(min(len(word) - i, len(word) - 1), 1, -1)
                if freq.get(word[i : i + n])
            ),
            0,
        )
        if not size:
            return []
        parts.append(word[i : i + size])
        i += size
    return parts if len(parts) > 1 else []


def concept_query(c: Concept) -> Query:
    # An English name the user typed (Chinese language classes), and its other English names.
    name = c.source == "glossary" and len(english_terms(" ".join(c.searched_words))) >= NAME_WORDS
    if c.source == "phrase" and len(c.words) > 1:
        exact = phrase_query(c.words)
    elif name:
        exact = english_query(" ".join(c.searched_words), 1.0, name=True)
    else:
        exact = words_query(c.searched_words)  # seeing a doctor: no "a"
    weight = TRANSLATION_WEIGHT if c.source == "glossary" else EXPANSION_WEIGHT
    alternatives = [words_query(query_words(e), weight) for e in c.expansions if query_words(e)]
    if len(c.words) == 1 and (parts := compound_parts(c.words[0])):
        alternatives.append(words_query(parts, PARTS_WEIGHT))
    alternatives.extend(
        q for e in c.english if (q := english_query(e, ENGLISH_WEIGHT, name)) is not None
    )
    return Or([exact, *alternatives]) if alternatives else exact


def build_queries(u: Understood) -> tuple[Query | None, Query | None]:
    """(every concept must match, any concept may match); None parts when
    there is nothing to match."""
    # A community name alone is the need; beside other words it picks whose documents rank first
    # (citywide and national policies apply there too, so it is not required).
    region_words = (
        u.region_words if any(not set(c.words) <= u.region_words for c in u.concepts) else set()
    )
    # (a concept found by name, like "wangjing" -> 望京, is optional in the same way)
    required = [c for c in u.concepts if not (c.source == "word" and set(c.words) <= region_words)]
    # A lone Chinese character (领, 办, 费) says little and would veto documents: it only boosts;
    # so do the aspect words of a question about a topic (R签证 申请条件).
    optional = [
        c
        for c in required
        if c.source == "word"
        and ((len(c.typed) == 1 and not c.typed.isascii()) or c.typed in ASPECT_WORDS)
    ]
    if len(optional) < len(required):
        required = [c for c in required if c not in optional]
    else:
        optional = []
    groups = [concept_query(c) for c in required]
    exact = (
        Or(
            [
                Term("doc_number", u.doc_number, boost=DOC_NUMBER_BOOST),
                # its interpretation, guide and translation follow the policy itself
                Term("related_numbers", u.doc_number, boost=RELATED_NUMBER_BOOST),
            ]
        )
        if u.doc_number
        else None
    )
    strict = And(groups) if len(groups) > 1 else (groups[0] if groups else None)
    loose = Or(groups) if len(groups) > 1 else None
    boosts: list[Query] = [concept_query(c) for c in optional]
    plain = [w for c in u.concepts if c.source == "word" for w in c.words if w not in region_words]
    if 2 <= len(plain) <= 6 and not u.doc_number:
        boosts.append(phrase_query(plain, slop=PROXIMITY_SLOP))
    if boosts:
        strict = AndMaybe(strict, Or(boosts)) if strict is not None else None
        loose = AndMaybe(loose, Or(boosts)) if loose is not None else None
    if exact is not None:
        strict = Or([exact, strict]) if strict is not None else exact
        loose = Or([exact, loose]) if loose is not None else None
    if strict is None and u.regions:
        strict = Or([Term("regions", r) for r in u.regions])
    return strict, loose


def fallback_query(u: Understood) -> Query | None:
    """Character pairs in sequence for each Chinese concept, in titles: finds a fragment of a title
    that the word segmentation cut differently in the query and in the title."""
    parts: list[Query] = []
    for c in u.concepts:
        pairs = bigrams(c.typed)
        if len(pairs) == 1:
            parts.append(Term("bigrams", pairs[0]))
        elif pairs:
            parts.append(Phrase("bigrams", pairs))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)
