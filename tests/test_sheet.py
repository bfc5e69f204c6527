"""The staff answer sheet: chosen policies with bilingual summaries and citations, as a printable
page and as plain text; limits and unknown ids answered clearly."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from markupsafe import escape

from indexer.model import PolicyDocument
from search_app import sheet as sheet_mod

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def docs(sample_app):
    """Every stored document of the sample corpus, by kind of interest."""
    svc = sample_app.extensions["policy_index"]
    table = [f for f in svc.facet_table() if f]
    all_docs = svc.documents([f["id"] for f in table])
    by_id = {d.id: d for d in all_docs}

    def linked(d, rel):
        return [x for x in d.links if x["rel"] == rel]

    return {
        "superseded": next(
            d for d in all_docs if d.status == "expired" and linked(d, "replaced_by")
        ),
        "with_english": next(d for d in all_docs if d.lang == "zh" and d.summary_en and d.title_en),
        "no_english": next(
            d
            for d in all_docs
            if d.lang == "zh"
            and not d.summary_en
            and not d.title_en
            and not linked(d, "translation")
        ),
        "translation": next(
            d for d in all_docs if d.kind == "translation" and linked(d, "original")
        ),
        "all": all_docs,
        "by_id": by_id,
    }


def _sheet_url(*ids, path="/sheet", lang="zh"):
    return path + "?" + "&".join(f"id={i}" for i in ids) + (f"&lang={lang}" if lang else "")


def test_sheet_lists_each_policy_with_a_citation(client, docs):
    a, b = docs["superseded"], docs["with_english"]
    r = client.get(_sheet_url(a.id, b.id))
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    for d in (a, b):
        assert f'id="entry-{d.id}"' in html
        for value in (d.title, d.doc_number, d.agency, d.publish_date, d.url):
            assert value and value in html
    assert html.index(f"entry-{a.id}") < html.index(f"entry-{b.id}")  # the order chosen
    for label in ("标题", "发文字号", "发文机关", "发布日期", "原文链接", "中文摘要", "英文摘要"):
        assert label in html
    assert str(escape(b.summary_en)) in html and str(escape(b.title_en)) in html
    # superseded: expired, with the document that replaced it named
    assert "已被替代" in html and "现行替代文件" in html
    # the print and copy controls, the plain-text version in a read-only text area
    assert 'id="print-sheet"' in html and 'id="copy-sheet"' in html
    assert re.search(r'<textarea id="sheet-text" readonly', html)
    assert '<script src="/static/sheet.js" defer></script>' in html


def test_english_summary_missing_is_said_not_hidden(client, docs):
    d = docs["no_english"]
    zh = client.get(_sheet_url(d.id)).get_data(as_text=True)
    assert "本政策暂无英文摘要。" in zh
    en = client.get(_sheet_url(d.id, lang="en")).get_data(as_text=True)
    assert "An English summary is not available for this policy." in en
    txt = client.get(_sheet_url(d.id, path="/sheet.txt", lang=None)).get_data(as_text=True)
    assert "Summary: An English summary is not available for this policy." in txt


def test_an_english_translation_brings_its_chinese_original(client, docs):
    d = docs["translation"]
    original = docs["by_id"][
        PolicyDocument(
            url=[x for x in d.links if x["rel"] == "original"][0]["url"], title="", text=""
        ).id
    ]
    txt = client.get(_sheet_url(d.id, path="/sheet.txt", lang=None)).get_data(as_text=True)
    assert f"1. {original.title}" in txt and d.title in txt
    assert "摘要: 暂无中文摘要" not in txt


def test_plain_text_is_the_same_in_the_page_and_at_sheet_txt(client, docs):
    ids = (docs["superseded"].id, docs["with_english"].id)
    r = client.get(_sheet_url(*ids, path="/sheet.txt", lang=None))
    assert r.status_code == 200 and r.content_type == "text/plain; charset=utf-8"
    text = r.get_data(as_text=True)
    html = client.get(_sheet_url(*ids)).get_data(as_text=True)
    area = unescape(
        re.search(r'<textarea id="sheet-text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    )
    assert area.strip() == text.strip()
    assert text.startswith("政策答复单 / Policy answer sheet\n")
    for label in (
        "发文字号 Document No.:",
        "发文机关 Issuing agency:",
        "发布日期 Date published:",
        "有效性 Status:",
        "原文 Source:",
        "Replaced by:",
        "12345",
    ):
        assert label in text
    assert f"http://localhost/policies/{ids[0]}" in text


def test_the_sheet_escapes_what_it_shows(client, docs):
    # ids are matched against a strict pattern; anything else is "not found", shown escaped.
    hostile = "<script>alert(1)</script>"
    r = client.get("/sheet", query_string=[("id", docs["with_english"].id), ("id", hostile)])
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and hostile not in html and "&lt;script&gt;" in html
    assert 'id="sheet-missing"' in html


def test_too_many_ids_get_a_clear_400(client, docs):
    ids = [d.id for d in docs["all"][: sheet_mod.MAX_IDS + 1]]
    r = client.get(_sheet_url(*ids, lang="en"))
    assert r.status_code == 400 and r.mimetype == "text/html"
    assert f"at most {sheet_mod.MAX_IDS}" in r.get_data(as_text=True)
    r = client.get(_sheet_url(*ids))
    assert r.status_code == 400 and f"最多收录 {sheet_mod.MAX_IDS} 件" in r.get_data(as_text=True)
    r = client.get(_sheet_url(*ids, path="/sheet.txt", lang="en"))
    assert (
        r.status_code == 400
        and r.mimetype == "text/plain"
        and "at most" in r.get_data(as_text=True)
    )
    # the same id many times is one policy
    r = client.get(_sheet_url(*[ids[0]] * 30))
    assert r.status_code == 200 and r.get_data(as_text=True).count('class="sheet-entry"') == 1


def test_unknown_ids_are_named_not_a_500(client, docs):
    known = docs["with_english"].id
    html = client.get(_sheet_url(known, "0000000000000000")).get_data(as_text=True)
    assert "以下编号未找到，已略去：0000000000000000" in html and f"entry-{known}" in html
    for bad in ("0000000000000000", "x" * 5000, "../../etc/passwd", "%00"):
        r = client.get(_sheet_url(bad))
        assert r.status_code == 404 and r.mimetype == "text/html", bad
        r = client.get(_sheet_url(bad, path="/sheet.txt"))
        assert r.status_code == 404 and r.mimetype == "text/plain", bad
    r = client.get("/sheet.txt")
    assert r.status_code == 400 and "no policy chosen" in r.get_data(as_text=True)


def test_an_empty_sheet_explains_itself(client):
    r = client.get("/sheet?lang=zh")
    assert r.status_code == 200 and "加入答复单" in r.get_data(as_text=True)
    assert client.get("/sheet?id=&lang=en").status_code == 200


def test_results_and_packages_have_sheet_checkboxes_in_a_get_form(client):
    for url in ("/search?q=人才公寓&lang=zh", "/packages/huairou/livable?lang=zh"):
        html = client.get(url).get_data(as_text=True)
        form = re.search(
            r'<form id="sheet-form" class="sheet-form" action="/sheet" method="get">(.*?)</form>',
            html,
            re.S,
        )
        assert form, url
        boxes = re.findall(
            r'<input type="checkbox" name="id" value="([0-9a-f]{16})">', form.group(1)
        )
        assert len(boxes) >= 3 and "加入答复单" in form.group(1)
    # ticking two boxes and submitting is a plain GET
    assert client.get(f"/sheet?id={boxes[0]}&id={boxes[1]}").status_code == 200


def test_language_switch_keeps_every_chosen_id(client, docs):
    a, b = docs["superseded"].id, docs["with_english"].id
    html = client.get(_sheet_url(a, b)).get_data(as_text=True)
    switch = unescape(re.search(r'id="lang-switch" href="([^"]+)"', html).group(1))
    assert f"id={a}" in switch and f"id={b}" in switch and "lang=en" in switch


def test_print_stylesheet_hides_navigation_and_forms():
    css = (ROOT / "search_app/static/style.css").read_text()
    prints = css[css.index("@media print") :]
    for selector in (".site-header", ".site-footer", ".no-print", ".search-form", ".pick"):
        assert selector in prints[: prints.index("}")]


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        (
            "各省、自治区、直辖市人民政府：\n为做好外籍人才服务，现通知如下。\n一、总体要求\n坚持以人为本。",
            "为做好外籍人才服务，现通知如下。坚持以人为本。",
        ),
        (
            "第一条 为规范人才公寓配租管理，制定本办法。第二条 本办法适用于本区。",
            "为规范人才公寓配租管理，制定本办法。第二条 本办法适用于本区。",
        ),
        (
            "本文件已废止，现行文件：《某某办法》\n为落实有关要求，制定本方案。",
            "为落实有关要求，制定本方案。",
        ),
        (
            "China does not recognise international driving permits. You need a Chinese licence. "
            * 4,
            "China does not recognise international driving permits. You need a Chinese licence.",
        ),
    ],
)
def test_lead_takes_the_opening_sentences(text, lead):
    assert sheet_mod.lead(text, limit=90).startswith(lead)
    assert len(sheet_mod.lead(text * 10)) <= sheet_mod.SUMMARY_CHARS + 20


def test_check_ids():
    assert sheet_mod.check_ids([" a ", "b", "a", ""]) == ["a", "b"]
    with pytest.raises(sheet_mod.SheetError):
        sheet_mod.check_ids(["", " "])
    with pytest.raises(sheet_mod.SheetError, match="at most 2"):
        sheet_mod.check_ids(["a", "b", "c"], limit=2)
