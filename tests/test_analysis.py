"""THE analyzer: ordinal positions, shared sub-word positions, kept ASCII,
phrases on a real index."""

import pickle

from whoosh.query import Phrase, Term

from conftest import build_index, make_doc
from indexer.analysis import ChineseTokenizer, chinese_analyzer, english_terms, fold, query_words
from indexer.schema import build_schema, open_index


def _tokens(text, mode="index"):
    return [(t.text, t.pos) for t in chinese_analyzer()(text, positions=True, mode=mode)]


def test_positions_are_word_ordinals_and_subwords_share_them():
    words = query_words("外国人来华申请工作许可证")
    toks = _tokens("外国人来华申请工作许可证")
    # Every word of the query-mode segmentation sits at its ordinal position...
    for i, w in enumerate(words):
        assert (w, i) in toks
    # ...and every extra index-time token is a piece of the word at the same position.
    for text, pos in toks:
        assert text in words[pos]
    assert ("外国", 0) in toks and ("许可", words.index("工作许可证")) in toks


def test_query_mode_has_no_subwords():
    assert query_words("外国人来华申请工作许可证") == ["外国人", "来华", "申请", "工作许可证"]


def test_ascii_single_letters_and_numbers_are_kept():
    words = query_words("R字签证 Category A 类 2022年 it us")
    for w in ("r", "category", "a", "2022", "it", "us"):
        assert w in words
    assert english_terms("Category A work permits") == ["categori", "a", "work", "permit"]


def test_character_offsets_point_at_the_source_text():
    text = "申請人才公寓，ＡＢＣ全角　R字簽證"
    folded = fold(text)
    assert len(folded) == len(text)
    for t in chinese_analyzer()(text, chars=True, mode="index"):
        assert folded[t.startchar : t.endchar].lower() == t.text


def test_traditional_characters_fold_to_simplified():
    assert query_words("人才公寓申請") == query_words("人才公寓申请")


def test_analyzer_pickles_and_compares():
    a = ChineseTokenizer()
    assert pickle.loads(pickle.dumps(a)) == a
    assert pickle.loads(pickle.dumps(build_schema()))["body"].analyzer == a


def test_phrase_query_finds_adjacent_words_only(small_data):
    build_index(
        small_data,
        [
            make_doc(1, title="营商环境文件", text="持续优化营商环境，提升外籍人才服务水平。"),
            make_doc(2, title="另一文件", text="优化审批流程，改善本市营商环境。"),
        ],
    )
    ix = open_index(small_data.index_root)
    with ix.searcher() as s:
        hits = s.search(Phrase("body", query_words("优化营商环境")))
        assert [h["id"] for h in hits] == [make_doc(1).id]
        # The words occur in both documents; only one has them side by side.
        assert len(s.search(Term("body", "优化") & Term("body", "营商环境"))) == 2
        # A sub-word of a longer word is found too.
        assert len(s.search(Term("body", "营商"))) == 2
