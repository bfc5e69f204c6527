"""THE analyzers, shared by indexing and querying: Chinese via jieba, English with stemming.

Positions are word ordinals; at index time the dictionary sub-words of a long word share
their parent's position, so phrase queries work and a query for 许可 still
finds 许可证. ASCII words, one-letter words and numbers are kept (R visa, Category A, 2022).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from pathlib import Path

from opencc import OpenCC
from whoosh.analysis import (
    Analyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    Token,
    Tokenizer,
)

from . import settings
from .text import CJK, is_cjk


def _import_jieba():
    """jieba, imported without pkg_resources: jieba imports it only to open its own data files
    (and falls back to opening them by path), and importing it walks every installed
    distribution, a third of a command-line search's start (docs/PERFORMANCE.md)."""
    if "pkg_resources" in sys.modules:
        import jieba
    else:
        sys.modules["pkg_resources"] = None  # an import of it fails at once: ImportError
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()

DEFAULT_USER_DICT = str(settings.POLICIES_DIR / "dict" / "userdict.txt")

_lock = threading.Lock()
_tokenizers: dict[str, jieba.Tokenizer] = {}
_t2s: OpenCC | None = None
# Full-width ASCII and the ideographic space map one-to-one onto half-width characters, so
# character offsets (used for highlighting) stay valid.
_HALFWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")  # what _HALFWIDTH changes
_FOLDED: dict[str, str] = {}  # short strings folded lately (query words, lexicon aliases)
_FOLDED_MAX, _SHORT = 65536, 32


_DICTIONARY_ON_DISK = False


def read_dictionary_from_disk() -> None:
    """Tokenizers made from now on in this process read jieba's main dictionary word by word
    from disk (indexer/jieba_disk.py) rather than loading it whole: for a process that segments
    a query or two and ends (a command-line search)."""
    global _DICTIONARY_ON_DISK
    _DICTIONARY_ON_DISK = True


def jieba_tokenizer(dict_path: str | None = None) -> jieba.Tokenizer:
    """The process-wide jieba tokenizer for a user dictionary (not picklable, so cached here)."""
    key = dict_path or ""
    tok = _tokenizers.get(key)
    if tok is None:
        with _lock:
            tok = _tokenizers.get(key)
            if tok is None:
                jieba.setLogLevel(logging.WARNING)
                if _DICTIONARY_ON_DISK:
                    from .jieba_disk import tokenizer

                    tok = tokenizer(jieba)
                else:
                    tok = jieba.Tokenizer()
                    tok.initialize()
                if dict_path and Path(dict_path).exists():
                    with open(dict_path, "rb") as fh:  # jieba leaves a path's file open
                        tok.load_userdict(fh)
                _tokenizers[key] = tok
    return tok


def to_simplified(text: str) -> str:
    """Traditional to simplified characters when the conversion keeps every offset in place."""
    global _t2s
    if _t2s is None:
        _t2s = OpenCC("t2s")
    out = _t2s.convert(text)
    return out if len(out) == len(text) else text


def fold(text: str) -> str:
    """The character-level normalization both sides share: half-width, simplified. Short strings
    are remembered (a query folds the same words and aliases again and again)."""
    short = len(text) <= _SHORT
    if short and (hit := _FOLDED.get(text)) is not None:
        return hit
    out = to_simplified(text.translate(_HALFWIDTH) if _FULLWIDTH.search(text) else text)
    if short:
        if len(_FOLDED) >= _FOLDED_MAX:
            _FOLDED.clear()
        _FOLDED[text] = out
    return out


def warm(dict_path: str | None = DEFAULT_USER_DICT) -> None:
    """Load jieba and OpenCC now (before forking workers) rather than on the first request."""
    jieba_tokenizer(dict_path)
    fold("預熱")


class ChineseTokenizer(Tokenizer):
    """jieba words as Whoosh tokens with ordinal positions; sub-words share the parent's."""

    def __init__(self, dict_path: str | None = DEFAULT_USER_DICT):
        self.dict_path = dict_path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChineseTokenizer) and other.dict_path == self.dict_path

    def __hash__(self) -> int:
        return hash(self.dict_path)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        tok = jieba_tokenizer(self.dict_path)
        freq = tok.FREQ
        text = fold(value)
        pos = start_pos
        subwords = mode == "index"
        for word, start, end in tok.tokenize(text, HMM=True):
            if not _HAS_ALNUM(word):
                continue
            word = word.lower()
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t
            if subwords and len(word) > 2:
                for i, gram in _subwords(word, freq):
                    t.text = gram
                    t.boost = 1.0
                    if positions:
                        t.pos = pos
                    if chars:
                        t.startchar = start_char + start + i
                        t.endchar = t.startchar + len(gram)
                    yield t
            pos += 1


_HAS_ALNUM = re.compile(r"[^\W_]").search
_SUBWORDS: dict[int, dict[str, tuple[tuple[int, str], ...]]] = {}


def _subwords(word: str, freq: dict) -> tuple[tuple[int, str], ...]:
    """(offset, sub-word) of every dictionary word of two to four characters inside a longer Chinese
    word (jieba's search mode stops at three characters, which hides 国际医疗 inside 国际医疗部).
    Cached per word: indexing meets the same words over and over."""
    cache = _SUBWORDS.setdefault(id(freq), {})  # one cache per dictionary
    found = cache.get(word)
    if found is None:
        found = ()
        n = len(word)
        if is_cjk(word):
            found = tuple(
                (i, word[i : i + size])
                for size in range(2, min(n, 5))
                for i in range(n - size + 1)
                if freq.get(word[i : i + size])
            )
        if len(cache) > 200_000:  # bounded: a pathological text cannot grow it without end
            cache.clear()
        cache[word] = found
    return found


def chinese_analyzer(dict_path: str | None = DEFAULT_USER_DICT) -> Analyzer:
    return ChineseTokenizer(dict_path)


def english_analyzer() -> Analyzer:
    """Words, lower case, Porter stems; no stop list, so 'Category A' and 'R visa' survive."""
    return RegexTokenizer(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?") | LowercaseFilter() | StemFilter()


class CjkBigramTokenizer(Tokenizer):
    """Overlapping character pairs of each run of Chinese characters: the fallback that finds a
    long compound when the query splits it differently from the document
    (外籍人才服务站 / 人才服务)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CjkBigramTokenizer)

    def __hash__(self) -> int:
        return hash("CjkBigramTokenizer")

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = fold(value)
        pos = start_pos
        for m in _CJK_RUN.finditer(text):
            run = m.group(0)
            for i in range(len(run) - 1):
                t.text = run[i : i + 2]
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = t.text
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + m.start() + i
                    t.endchar = t.startchar + 2
                pos += 1
                yield t
            pos += 1  # a gap between runs: pairs never span punctuation


_CJK_RUN = re.compile(f"[{CJK}]{{2,}}")


def bigram_analyzer() -> Analyzer:
    return CjkBigramTokenizer()


def bigrams(text: str) -> list[str]:
    return [t.text for t in CjkBigramTokenizer()(text)]


def spelling_analyzer() -> Analyzer:
    """Latin words as written (lower case, unstemmed): the vocabulary did-you-mean draws on."""
    return RegexTokenizer(r"[A-Za-z]{3,}") | LowercaseFilter()


_WORDS: dict[tuple, tuple[str, ...]] = {}  # (analyzer, dictionary, text) -> terms, lately asked


def _remembered(key: tuple, analyze) -> list[str]:
    """Terms of a short text analyzed once: understanding a query analyzes each of its words,
    their synonyms and translations, the same ones query after query."""
    found = _WORDS.get(key)
    if found is None:
        found = tuple(analyze())
        if len(key[-1]) <= _SHORT * 4:
            if len(_WORDS) >= _FOLDED_MAX:
                _WORDS.clear()
            _WORDS[key] = found
    return list(found)


def query_words(text: str, dict_path: str | None = DEFAULT_USER_DICT) -> list[str]:
    """The words of a query as the Chinese analyzer sees them (no sub-words)."""
    return _remembered(
        ("zh", dict_path, text),
        lambda: [t.text for t in chinese_analyzer(dict_path)(text, mode="query")],
    )


def english_terms(text: str) -> list[str]:
    return _remembered(
        ("en", None, text), lambda: [t.text for t in english_analyzer()(text, mode="query")]
    )
