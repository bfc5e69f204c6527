"""The operator vocabulary pages over the bundled corpus: add, edit and remove synonyms and glossary
entries (who, when, why kept), the queries that prompt them, a preview before and after, and edits
that reach every app instance on the same data folder without a reindex."""

from __future__ import annotations

import logging
import re
import shutil
from urllib.parse import unquote

import pytest
from werkzeug.security import generate_password_hash

from search_app import create_app
from search_app.lexicon_edits import LexiconEdits

PASSWORD = "correct horse battery staple"
PW_HASH = generate_password_hash(PASSWORD)
# A colloquial word for the talent apartments that neither the lexicon nor the corpus has; the
# corpus says 人才公寓. 人才 alone finds work permits and residence cards first.
KEY, TERM, QUERY = "落脚房", "人才公寓", "人才 落脚房"
VOCAB = "/operator/vocabulary/"


@pytest.fixture()
def data(sample_data, tmp_path):
    """A data folder of its own: the bundled corpus's store and index, no edits yet."""
    root = tmp_path / "data"
    shutil.copytree(sample_data.root, root, ignore=shutil.ignore_patterns("archive", "*.sqlite3-*"))
    for f in root.glob("*.sqlite3"):
        if f.name != "documents.sqlite3":
            f.unlink()
    return root


def make_app(root, **config):
    base = {
        "TESTING": True,
        "API_RATE_LIMIT": "",
        "OPERATOR_USER": "ops",
        "OPERATOR_PASSWORD_HASH": PW_HASH,
        "SECRET_KEY": "test-secret",
    }
    return create_app(root, {**base, **config})


def token(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def operator(app, lang="en"):
    c = app.test_client()
    c.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    tok = token(c.get("/operator/login").text)
    r = c.post("/operator/login", data={"user": "ops", "password": PASSWORD, "csrf_token": tok})
    assert r.status_code == 302
    return c


def post(c, form: dict, url: str = VOCAB, **kw):
    tok = token(c.get(VOCAB).text)
    return c.post(url, data={"csrf_token": tok, **form}, **kw)


def total(app, q: str) -> int:
    """What a member of the public gets: the API's count for q."""
    r = app.test_client().get("/api/search", query_string={"q": q})
    assert r.status_code == 200
    return r.get_json()["total"]


def titles(app, q: str) -> list[str]:
    r = app.test_client().get("/api/search", query_string={"q": q, "per_page": 5})
    return [x["title"] for x in r.get_json()["results"]]


def stored(root) -> list:
    e = LexiconEdits(root / "lexicon.sqlite3")
    try:
        return e.recent(100)
    finally:
        e.close()


WHY = "12345 callers say 落脚房"
ADD = {"kind": "synonym", "key": KEY, "terms": TERM, "why": WHY, "query": KEY}


# ---- access -----------------------------------------------------------------------------------


def test_the_pages_need_a_login_and_are_closed_without_credentials(data):
    c = make_app(data).test_client()
    for url in (VOCAB, f"{VOCAB}entry?kind=synonym&key=租房", "/operator/missed"):
        r = c.get(url)
        assert r.status_code == 302 and "/operator/login" in r.headers["Location"]
    tok = token(c.get("/operator/login").text)
    r = c.post(VOCAB, data={**ADD, "intent": "save", "csrf_token": tok})
    assert r.status_code == 302 and "/operator/login" in r.headers["Location"]
    assert stored(data) == [] and total(make_app(data), KEY) == 0
    closed = create_app(data, {"TESTING": True, "API_RATE_LIMIT": ""}).test_client()
    assert closed.get(VOCAB).status_code == 404
    assert closed.get("/operator/missed").status_code == 404


def test_a_post_without_a_valid_csrf_token_is_refused_and_stores_nothing(data):
    c = operator(make_app(data))
    assert c.post(VOCAB, data={**ADD, "intent": "save"}).status_code == 400
    r = c.post(VOCAB, data={**ADD, "intent": "save", "csrf_token": "forged"})
    assert r.status_code == 400
    remove = f"{VOCAB}entry?kind=synonym&key=租房"
    assert c.post(remove, data={"why": "x", "intent": "remove"}).status_code == 400
    assert stored(data) == []


# ---- add, edit, remove --------------------------------------------------------------------------


def test_add_edit_remove_round_trip_keeps_who_when_why_and_logs_each(data, caplog):
    app = make_app(data)
    c = operator(app)
    assert total(app, KEY) == 0
    with caplog.at_level(logging.INFO, logger="search_app.operator_vocabulary"):
        r = post(c, {**ADD, "intent": "save"})
        assert r.status_code == 303
        assert unquote(r.headers["Location"]).startswith(f"{VOCAB}entry?kind=synonym&key={KEY}")
        page = c.get(r.headers["Location"])
        assert page.status_code == 200 and 'id="saved"' in page.text
        assert total(app, KEY) > 0  # live: the next search uses it, no reindex

        changed = {"terms": "人才公寓、租赁住房", "why": "renters ask too", "intent": "save"}
        r = post(c, {**ADD, **changed})
        assert r.status_code == 303
        url = f"{VOCAB}entry?kind=synonym&key={KEY}"
        r = c.post(url, data={"csrf_token": token(c.get(url).text), "why": "too broad",
                              "intent": "remove"})  # fmt: skip
        assert r.status_code == 303
    assert total(app, KEY) == 0
    edits = stored(data)
    assert [(e.action, e.who, e.why) for e in edits] == [
        ("remove", "ops", "too broad"),
        ("edit", "ops", "renters ask too"),
        ("add", "ops", WHY),
    ]
    assert edits[2].terms == (TERM,) and edits[2].query == KEY and edits[1].at >= edits[2].at
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    for action in ("add", "edit", "remove"):
        assert any(f"operator ops: {action} synonym '{KEY}'" in line for line in lines), lines
    history = c.get(url).text
    assert history.count("<td>ops</td>") == 3 and "renters ask too" in history
    assert edits[0].when in history and "Removed: searches do not use it." in history


def test_removing_a_shipped_entry_hides_it_until_it_is_added_again(data):
    app = make_app(data)
    c = operator(app)
    url = f"{VOCAB}entry?kind=synonym&key=公寓"
    page = c.get(url).text
    assert "Shipped in synonyms.yaml" in page and "short everyday word" in page
    before = titles(app, "公寓")
    r = c.post(url, data={"csrf_token": token(page), "why": "test", "intent": "remove"})
    assert r.status_code == 303
    assert titles(app, "公寓") != before
    found = c.get(VOCAB, query_string={"find": "公寓"}).text
    assert re.search(r">公寓</a></td><td>Synonym</td>.*?Removed by an operator", found, re.S)
    listed = c.get(VOCAB, query_string={"edited": "1"}).text
    assert "公寓" in listed and "test" in listed
    r = post(c, {"kind": "synonym", "key": "公寓", "terms": "人才公寓、科学家公寓", "why": "back",
                 "intent": "save"})  # fmt: skip
    assert r.status_code == 303 and titles(app, "公寓") == before


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"kind": "verb"}, "Choose whether this is a synonym or a glossary entry."),
        ({"key": "  "}, "Enter the words people type."),
        ({"terms": KEY}, "is the entry&#39;s own key"),
        ({"terms": ""}, "Enter at least one term the policies use."),
        ({"why": ""}, "Say why: the reason is kept with the change."),
        ({"kind": "glossary", "key": "digs", "terms": "apartment"}, "has no Chinese in it"),
        ({"kind": "glossary", "key": "宿舍"}, "A glossary entry is for an English phrase"),
        ({"key": "产权", "terms": "共有产权住房"}, "would cut in two: 知识产权、"),
    ],
)
def test_a_bad_edit_answers_400_with_a_message_and_stores_nothing(data, form, message):
    c = operator(make_app(data))
    r = post(c, {**ADD, "intent": "save", **form})
    assert r.status_code == 400
    assert message in r.text and 'role="alert"' in r.text
    assert stored(data) == []


def test_a_key_that_cuts_longer_words_is_saved_when_the_operator_says_so(data):
    c = operator(make_app(data))
    r = post(c, {**ADD, "key": "产权", "terms": "共有产权住房", "intent": "save"})
    assert r.status_code == 400 and 'name="cut_ok"' in r.text
    r = post(c, {**ADD, "key": "产权", "terms": "共有产权住房", "intent": "save", "cut_ok": "1"})
    assert r.status_code == 303 and [e.key for e in stored(data)] == ["产权"]


def test_garbage_posts_are_answered_400_never_500(data):
    c = operator(make_app(data))
    tok = token(c.get(VOCAB).text)
    garbage = [
        {},
        {"kind": "synonym"},
        {"kind": ["synonym", "glossary"], "key": "\x00" * 9},
        {**ADD, "terms": "、" * 5000, "intent": "save"},
        {**ADD, "why": "w" * 5000},
    ]
    for form in garbage:
        assert c.post(VOCAB, data={**form, "csrf_token": tok}).status_code == 400
    bad_entry = f"{VOCAB}entry?kind=noun&key=x"
    assert c.post(bad_entry, data={"csrf_token": tok, "why": "x"}).status_code in (400, 404)
    missing = f"{VOCAB}entry?kind=synonym&key=没有这个词"
    assert c.post(missing, data={"csrf_token": tok, "why": "x"}).status_code in (400, 404)
    assert c.get(bad_entry).status_code == 404 and c.get(missing).status_code == 404
    assert stored(data) == []


# ---- live, restart, redeploy ------------------------------------------------------------------


def test_another_instance_on_the_same_folder_and_a_restart_see_an_edit(data):
    writer, worker = make_app(data), make_app(data)  # two gunicorn workers
    assert total(worker, KEY) == 0  # the worker has read (and cached) the shipped lexicon
    assert post(operator(writer), {**ADD, "intent": "save"}).status_code == 303
    assert total(worker, KEY) > 0
    assert total(make_app(data), KEY) > 0  # a restart (or a redeploy of the code) keeps it
    for f in data.glob("lexicon.sqlite3*"):
        f.unlink()
    assert total(make_app(data), KEY) == 0  # without the edits: as shipped


# ---- preview ----------------------------------------------------------------------------------


def _side(page: str, name: str) -> list[str]:
    section = re.search(rf'(?s)id="preview-{name}">(.*?)</div>', page).group(1)
    return re.findall(r'<li>\s*<a href="/policies/[^"]+"[^>]*>([^<]+)</a>', section)


def test_a_preview_shows_the_top_results_before_and_after_without_saving(data):
    app = make_app(data)
    c = operator(app)
    before_public = titles(app, QUERY)
    r = post(c, {**ADD, "query": QUERY, "why": "", "intent": "preview"})
    assert r.status_code == 200
    before, after = _side(r.text, "before"), _side(r.text, "after")
    assert before[:5] == before_public
    assert before and after and before[0] != after[0]
    assert TERM in after[0] and TERM not in before[0]
    assert "new in the top" in r.text or "up " in r.text
    assert stored(data) == [] and titles(app, QUERY) == before_public
    # the form is still filled in for saving
    assert f'value="{KEY}"' in r.text and f'value="{QUERY}"' in r.text


def test_a_preview_of_a_removal_shows_what_the_entry_did(data):
    c = operator(make_app(data))
    url = f"{VOCAB}entry?kind=synonym&key=公寓"
    r = c.post(url, data={"csrf_token": token(c.get(url).text), "intent": "preview",
                          "query": "公寓"})  # fmt: skip
    assert r.status_code == 200
    assert _side(r.text, "before") != _side(r.text, "after") and stored(data) == []


# ---- the queries that prompt an edit ----------------------------------------------------------


def test_the_missed_queries_page_lists_zero_result_and_seldom_opened_queries(data):
    app = make_app(data)
    public = app.test_client()
    assert public.get("/search", query_string={"q": KEY}).status_code == 200
    for _ in range(3):
        public.get("/search", query_string={"q": "人才"})
    c = operator(app)
    page = c.get("/operator/missed").text
    zero = re.search(r'(?s)id="zero-queries">.*?</table>', page).group(0)
    assert KEY in zero
    low = re.search(r'(?s)id="low-click-queries">.*?</table>', page).group(0)
    assert "人才" in low
    link = re.search(r'href="(/operator/vocabulary/\?[^"]+)"', zero).group(1).replace("&amp;", "&")
    form = c.get(link).text
    assert f'id="f-key" name="key" type="text" value="{KEY}"' in form
    assert f'id="f-query" name="query" type="text" value="{KEY}"' in form


def test_the_pages_speak_chinese_and_english(data):
    c = operator(make_app(data), lang="zh-CN")
    zh = c.get(VOCAB).text
    assert "检索词表" in zh or "词表" in zh
    assert "Search vocabulary" not in zh
    missed = c.get("/operator/missed").text
    assert "Queries to improve" not in missed
    en = c.get(VOCAB, query_string={"lang": "en"}).text
    assert "Search vocabulary" in en and 'href="/operator/vocabulary/"' in en
