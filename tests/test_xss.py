"""Hostile document text and queries are escaped everywhere; snippets carry only <mark>."""

import re

import pytest

from conftest import build_index, make_doc
from search_app import create_app

PAYLOAD_TITLE = '<script>alert("t")</script>人才公寓<b>配租</b>'
PAYLOAD_TEXT = (
    '第一条 人才公寓 <img src=x onerror=alert(1)> 申请 "引号" & 符号 '
    "</mark><script>alert(2)</script> 人才公寓配租条件。"
)


@pytest.fixture()
def hostile_client(small_data):
    build_index(
        small_data,
        [
            make_doc(
                1,
                title=PAYLOAD_TITLE,
                text=PAYLOAD_TEXT,
                agency="<i>局</i>",
                doc_number="京<b>发〔2022〕1号",
            )
        ],
    )
    return create_app(small_data.root, {"TESTING": True}).test_client()


def test_snippets_have_only_mark_markup(hostile_client):
    body = hostile_client.get("/api/search?q=人才公寓").get_json()
    snippet = body["results"][0]["snippet"]
    assert "<mark>人才公寓</mark>" in snippet
    assert set(re.findall(r"</?([a-zA-Z]+)", snippet)) == {"mark"}
    assert "&lt;img" in snippet and "&lt;script&gt;" in snippet


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=人才公寓",
        "/search?q=<script>alert(3)</script>",
        "/policies/{id}",
        "/search?q=人才公寓&agency=<i>局</i>",
    ],
)
def test_pages_never_emit_the_payload(hostile_client, path):
    doc_id = make_doc(1).id
    html = hostile_client.get(path.format(id=doc_id)).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>配租" not in html
    assert "<i>局" not in html


def test_api_returns_text_as_data(hostile_client):
    doc = hostile_client.get(f"/api/policies/{make_doc(1).id}").get_json()
    assert (
        doc["title"] == PAYLOAD_TITLE
    )  # JSON carries the text itself; escaping is the renderer's job
