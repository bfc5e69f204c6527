"""Query logging of public searches and the operator pages: login, CSRF, cookies, the report."""

from __future__ import annotations

import re
import sqlite3
import time

import pytest
from werkzeug.security import generate_password_hash

from conftest import build_index, make_doc
from indexer import settings
from search_app import create_app, service

PASSWORD = "correct horse battery staple"
PW_HASH = generate_password_hash(PASSWORD)
SPY = {"REMOTE_ADDR": "203.0.113.77"}
AGENT = {"User-Agent": "SpyBrowser/9.9 (tracking-me)"}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    paths = settings.DataPaths(tmp_path_factory.mktemp("oplog") / "data")
    build_index(
        paths,
        [
            make_doc(i, title=f"人才公寓申请指南{i}", text="人才公寓 申请 条件。")
            for i in range(1, 4)
        ],
    )
    return paths


@pytest.fixture()
def db(data):
    """A connection to the query log's own file, emptied for the test."""
    conn = sqlite3.connect(str(data.querylog), isolation_level=None)
    if _has_log(conn):
        conn.execute("DELETE FROM query_log")
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'clicks'").fetchone():
        conn.execute("DELETE FROM clicks")
    yield conn
    conn.close()


def _has_log(conn) -> bool:
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'query_log'").fetchone() is not None
    )


def make_app(data, **config):
    base = {
        "TESTING": True,
        "API_RATE_LIMIT": "",
        "OPERATOR_USER": "ops",
        "OPERATOR_PASSWORD_HASH": PW_HASH,
        "SECRET_KEY": "test-secret",
    }
    return create_app(data.root, {**base, **config})


def rows(db):
    if not _has_log(db):
        return []
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute("SELECT * FROM query_log ORDER BY id")]


def token(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def login(client, password=PASSWORD, user="ops", **kw):
    tok = token(client.get("/operator/login", **kw).text)
    return client.post(
        "/operator/login", data={"user": user, "password": password, "csrf_token": tok}, **kw
    )


# ---- what is logged ---------------------------------------------------------------------------


def test_a_page_search_is_logged_with_filters_and_count_but_nothing_personal(data, db):
    c = make_app(data).test_client()
    c.set_cookie("tracking", "cookie-value-xyz")
    r = c.get("/search?q=人才公寓&region=beijing&lang=en", environ_base=SPY, headers=AGENT)
    assert r.status_code == 200
    [entry] = rows(db)
    assert entry["query"] == "人才公寓" and entry["norm"] == "人才公寓"
    assert entry["filters"] == '{"region": "beijing"}' and entry["results"] == 3
    assert entry["via"] == "page" and entry["ui_lang"] == "en" and entry["page"] == 1
    assert 0 < entry["took_ms"] < 10_000 and abs(entry["at"] - time.time()) < 60
    stored = " ".join(str(v) for v in entry.values())
    for personal in ("203.0.113.77", "SpyBrowser", "cookie-value-xyz", "127.0.0.1"):
        assert personal not in stored
    everything = b"".join(p.read_bytes() for p in data.root.glob("documents.sqlite3*"))
    assert b"203.0.113.77" not in everything and b"SpyBrowser" not in everything


def test_an_api_search_is_logged_and_zero_results_too(data, db):
    c = make_app(data).test_client()
    assert c.get("/api/search?q=火星签证&status=in_force&page=1").status_code == 200
    [entry] = rows(db)
    assert (entry["query"], entry["results"], entry["via"], entry["ui_lang"]) == (
        "火星签证",
        0,
        "api",
        None,
    )
    assert entry["filters"] == '{"status": "in_force"}'


def test_suggestions_policies_errors_and_operator_pages_are_not_logged(data, db):
    c = make_app(data).test_client()
    assert c.get("/api/suggest?q=人才").status_code == 200
    assert c.get("/api/suggest?q=人才公").status_code == 200
    assert c.get("/").status_code == 200
    assert c.get("/api/search?q=x&region=mars").status_code == 400
    assert login(c).status_code == 302
    assert c.get("/operator/queries?days=7").status_code == 200
    assert c.get("/search?q=人才公寓").status_code == 200  # the operator checking a query
    assert rows(db) == []


def test_the_setting_turns_logging_off(data, db, monkeypatch):
    c = make_app(data, QUERY_LOG=False).test_client()
    assert c.get("/api/search?q=人才公寓").status_code == 200
    monkeypatch.setenv("POLICY_INDEX_QUERY_LOG", "off")
    assert service(create_app(data.root, {"TESTING": True})).config.query_log is False
    assert rows(db) == []


def test_a_locked_log_does_not_fail_or_stall_the_search(data, db):
    c = make_app(data).test_client()
    c.get("/api/search?q=warm")  # the log's connection is open
    db.execute("BEGIN EXCLUSIVE")
    try:
        t0 = time.perf_counter()
        r = c.get("/api/search?q=人才公寓")
        assert r.status_code == 200 and r.get_json()["total"] == 3
        assert time.perf_counter() - t0 < 2
    finally:
        db.execute("ROLLBACK")


def clicks(db):
    found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'clicks'").fetchone()
    if not found:
        return []
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute("SELECT * FROM clicks ORDER BY id")]


def test_opening_a_result_records_a_click_with_its_rank_and_nothing_personal(data, db):
    c = make_app(data).test_client()
    c.set_cookie("tracking", "cookie-value-xyz")
    page = c.get("/search?q=人才公寓&per_page=2&page=2&lang=zh", environ_base=SPY, headers=AGENT)
    [link] = re.findall(r'<h3><a href="(/policies/[^"]+)"', page.text)
    link = link.replace("&amp;", "&")
    assert "q=%E4%BA%BA%E6%89%8D%E5%85%AC%E5%AF%93" in link and link.endswith("&rank=3")
    opened = c.get(link, environ_base=SPY, headers=AGENT)
    assert opened.status_code == 200
    doc_id = link.split("/")[2].split("?")[0]
    [click] = clicks(db)
    assert (click["norm"], click["doc_id"], click["rank"]) == ("人才公寓", doc_id, 3)
    assert set(click) == {"id", "at", "norm", "doc_id", "rank"}
    stored = " ".join(str(v) for v in click.values())
    for personal in ("203.0.113.77", "SpyBrowser", "cookie-value-xyz", "127.0.0.1"):
        assert personal not in stored
    # switching the language of the page opened is not another click
    switch = re.search(r'href="([^"]*lang=en[^"]*)"', opened.text).group(1)
    assert "rank=" not in switch and "q=" in switch
    # a policy page reached otherwise, or with a rank that is no place in a list, is no click
    for args in ("", "?q=人才公寓", "?rank=1", "?q=人才公寓&rank=0", "?q=人才公寓&rank=x",
                 "?q=人才公寓&rank=99999999"):  # fmt: skip
        assert c.get(f"/policies/{doc_id}{args}").status_code == 200, args
    assert len(clicks(db)) == 1
    assert login(c).status_code == 302  # an operator checking a result is not a reader
    assert c.get(link).status_code == 200 and len(clicks(db)) == 1
    off = make_app(data, QUERY_LOG=False).test_client()
    assert off.get(link).status_code == 200 and len(clicks(db)) == 1


# ---- closed without configuration -------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        {"OPERATOR_USER": "", "OPERATOR_PASSWORD_HASH": ""},
        {"OPERATOR_USER": "ops", "OPERATOR_PASSWORD_HASH": ""},
        {"OPERATOR_USER": "", "OPERATOR_PASSWORD_HASH": PW_HASH},
        {"OPERATOR_USER": "ops", "OPERATOR_PASSWORD_HASH": PASSWORD},  # plaintext is refused
    ],
)
def test_operator_pages_are_closed_without_credentials(data, config):
    c = make_app(data, **config).test_client()
    for path in ("/operator/", "/operator/login", "/operator/queries?days=7"):
        assert c.get(path).status_code == 404, path
    assert c.post("/operator/login", data={"user": "ops", "password": PASSWORD}).status_code == 404
    assert c.post("/operator/logout").status_code == 404


# ---- login ------------------------------------------------------------------------------------


def test_the_report_requires_a_login(data):
    c = make_app(data).test_client()
    r = c.get("/operator/queries?days=30")
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/operator/login?next=/operator/queries?days%3D30")
    assert c.get("/operator/").headers["Location"].endswith("/operator/queries")


def test_wrong_credentials_are_rejected_and_logged_without_the_password(data, caplog):
    c = make_app(data).test_client()
    r = login(c, password="not the password")
    assert r.status_code == 401 and 'id="login-failed"' in r.text
    assert login(c, user="root").status_code == 401
    assert c.get("/operator/queries").status_code == 302
    assert "failed operator login: wrong password" in caplog.text
    assert "failed operator login: unknown user name" in caplog.text
    assert "not the password" not in caplog.text and PASSWORD not in caplog.text


def test_csrf_token_is_required_to_log_in_and_out(data):
    c = make_app(data).test_client()
    c.get("/operator/login")
    r = c.post("/operator/login", data={"user": "ops", "password": PASSWORD})
    assert r.status_code == 400 and "CSRF" in r.text
    r = c.post(
        "/operator/login", data={"user": "ops", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert r.status_code == 400
    assert c.get("/operator/queries").status_code == 302
    r = login(c)
    assert r.status_code == 302 and r.headers["Location"].endswith("/operator/queries")
    assert c.get("/operator/queries").status_code == 200
    assert c.post("/operator/logout").status_code == 400  # no token: still logged in
    assert c.get("/operator/queries").status_code == 200
    page = c.get("/operator/queries").text
    r = c.post("/operator/logout", data={"csrf_token": token(page)})
    assert r.status_code == 302
    assert c.get("/operator/queries").status_code == 302


def test_login_follows_only_operator_paths(data):
    c = make_app(data).test_client()
    tok = token(c.get("/operator/login").text)
    r = c.post(
        "/operator/login",
        data={
            "user": "ops",
            "password": PASSWORD,
            "csrf_token": tok,
            "next": "//evil.example/steal",
        },
    )
    assert r.headers["Location"].endswith("/operator/queries")
    c2 = make_app(data).test_client()
    tok = token(c2.get("/operator/login?next=/operator/queries?days%3D90").text)
    r = c2.post(
        "/operator/login",
        data={
            "user": "ops",
            "password": PASSWORD,
            "csrf_token": tok,
            "next": "/operator/queries?days=90",
        },
    )
    assert r.headers["Location"].endswith("/operator/queries?days=90")


def test_failed_logins_are_rate_limited(data):
    c = make_app(data, OPERATOR_LOGIN_LIMIT="2 per minute").test_client()
    assert [login(c, password=f"guess {i}").status_code for i in range(3)] == [401, 401, 429]


def test_changing_the_password_ends_sessions(data):
    app = make_app(data)
    c = app.test_client()
    assert login(c).status_code == 302
    cookie = c.get_cookie("session").value
    other = make_app(
        data, OPERATOR_PASSWORD_HASH=generate_password_hash("a completely new one")
    ).test_client()
    other.set_cookie("session", cookie)
    assert other.get("/operator/queries").status_code == 302
    again = make_app(data).test_client()
    again.set_cookie("session", cookie)
    assert again.get("/operator/queries").status_code == 200


# ---- the session cookie -----------------------------------------------------------------------


def _session_cookie(resp) -> str:
    [cookie] = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("session=")]
    return cookie


def test_session_cookie_is_secure_httponly_and_samesite_over_https(data):
    c = make_app(data).test_client()
    base = "https://policy.example"
    page = c.get("/operator/login", base_url=base)
    assert "; Secure" in _session_cookie(page)
    tok = token(page.text)
    r = c.post(
        "/operator/login",
        base_url=base,
        headers={"Referer": base + "/operator/login"},
        data={"user": "ops", "password": PASSWORD, "csrf_token": tok},
    )
    assert r.status_code == 302
    cookie = _session_cookie(r)
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    assert c.get("/operator/queries", base_url=base).status_code == 200


@pytest.mark.parametrize(
    "mode,base,secure",
    [
        ("auto", "http://127.0.0.1:8000", False),  # `policy-index serve` on loopback, plain http
        ("auto", "http://localhost", False),
        (
            "auto",
            "http://policy.example",
            True,
        ),  # a public host: browsers must only send it over TLS
        ("true", "http://localhost", True),
        ("false", "https://policy.example", False),
    ],
)
def test_secure_flag_follows_the_setting(data, mode, base, secure):
    c = make_app(data, SESSION_COOKIE_SECURE=mode).test_client()
    cookie = _session_cookie(c.get("/operator/login", base_url=base))
    assert ("; Secure" in cookie) is secure and "; HttpOnly" in cookie


# ---- the report -------------------------------------------------------------------------------


def test_report_page_lists_top_and_zero_result_queries(data, db):
    c = make_app(data).test_client()
    for q in ["人才公寓", "人才公寓", "人才公寓", "火星签证", "火星签证", "月球学校"]:
        c.get("/api/search", query_string={"q": q})
    assert login(c).status_code == 302
    page = c.get("/operator/queries?days=1").text
    top = page[page.index('id="top-queries"') : page.index('id="h-zero"')]
    zero = page[page.index('id="zero-queries"') :]
    assert top.index("人才公寓") < top.index("火星签证") < top.index("月球学校")
    assert "人才公寓" not in zero and zero.index("火星签证") < zero.index("月球学校")
    assert (
        'href="/search?q=%E7%81%AB%E6%98%9F%E7%AD%BE%E8%AF%81"' in zero
    )  # linked to the public search
    english = c.get("/operator/queries?days=1&lang=en").text
    assert "6 searches, 3 different queries, 3 found nothing." in english
    assert c.get("/operator/queries?since=2000-01-01&until=2000-01-31").status_code == 200
    empty = c.get("/operator/queries?since=2000-01-01&until=2000-01-31").text
    assert "火星签证" not in empty[empty.index('id="h-top"') :]


@pytest.mark.parametrize(
    "qs,message",
    [
        ("days=soon", "days must be a whole number"),
        ("days=0", "days must be between"),
        ("days=7&since=2024-01-01", "either days or since/until"),
        ("since=2024-02-01&until=2024-01-01", "since must not be after until"),
        ("since=2024-13-01", "since must be a date like"),
        ("top=1000", "top must be a whole number between 1 and 100"),
    ],
)
def test_bad_report_parameters_get_400_with_a_reason(data, qs, message):
    c = make_app(data).test_client()
    login(c)
    r = c.get("/operator/queries?" + qs)
    assert r.status_code == 400 and message in r.text


def test_operator_responses_are_not_cached_or_indexed(data):
    c = make_app(data).test_client()
    r = c.get("/operator/login")
    assert r.headers["Cache-Control"] == "no-store" and "noindex" in r.headers["X-Robots-Tag"]


# ---- the public never sees the log ------------------------------------------------------------


def test_public_pages_neither_link_to_nor_expose_the_log(data, db):
    c = make_app(data).test_client()
    c.get("/api/search?q=秘密查询词")
    for path in (
        "/",
        "/search?q=人才公寓",
        "/search?q=秘",
        "/api/search?q=人才",
        "/api/suggest?q=秘密",
        "/api/openapi.json",
        "/healthz",
        "/packages/wangjing",
        f"/policies/{make_doc(1).id}",
    ):
        r = c.get(path)
        assert r.status_code == 200, path
        assert "/operator" not in r.text and "秘密查询词" not in r.text, path
        assert not any(h.startswith("session=") for h in r.headers.getlist("Set-Cookie")), path
    app = c.application
    for rule in app.url_map.iter_rules():
        if "query" in rule.rule or "log" in rule.rule:
            assert rule.rule.startswith("/operator/"), rule.rule
    assert c.get("/operator/queries").status_code == 302  # and the report itself needs a login


def test_a_bad_secure_setting_is_refused(data, monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_SESSION_COOKIE_SECURE", "sometimes")
    with pytest.raises(settings.SettingError, match="session_cookie_secure"):
        create_app(data.root, {"TESTING": True})
