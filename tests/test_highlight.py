"""Snippets: the best window, escaped text, <mark> only, traditional and Latin forms matched."""

from search_app.highlight import find_spans, mark, snippet


def test_snippet_picks_the_window_with_most_terms():
    text = (
        "开头无关内容。" * 30
        + "人才公寓的申请条件如下：申请人应当在本区工作。"
        + "结尾无关内容。" * 30
    )
    s = snippet(text, ["人才公寓", "申请"], length=60)
    assert "<mark>人才公寓</mark>" in s and "<mark>申请</mark>" in s
    assert s.startswith("…") and s.endswith("…")


def test_snippet_escapes_everything_else():
    s = snippet('<b>人才公寓</b> & "x" <script>', ["人才公寓"])
    assert s == "&lt;b&gt;<mark>人才公寓</mark>&lt;/b&gt; &amp; &quot;x&quot; &lt;script&gt;"


def test_traditional_text_and_latin_word_forms():
    assert (
        mark("人才公寓申請表", find_spans("人才公寓申請表", ["申请"]))
        == "人才公寓<mark>申請</mark>表"
    )
    spans = find_spans("Work permits and a permit card; hermit", ["permit"])
    assert [s[:2] for s in spans] == [(5, 12), (19, 25)]


def test_overlapping_terms_prefer_the_longer():
    spans = find_spans("外国人来华工作许可证", ["许可", "许可证"])
    assert [(s, e) for s, e, _ in spans] == [(7, 10)]


def test_no_match_gives_the_head():
    assert snippet("甲" * 300, ["乙"], length=10) == "甲" * 10 + "…"
