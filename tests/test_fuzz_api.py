"""The JSON API fuzzed from its own OpenAPI document and with hostile hand-made input: never a 5xx.

Bounded and reproducible by default (derandomized, few examples). For a longer, random run:
POLICY_INDEX_FUZZ=long pytest tests/test_fuzz_api.py (POLICY_INDEX_FUZZ_EXAMPLES=N sets the count).
"""

from __future__ import annotations

import os
from urllib.parse import quote_from_bytes

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import negative_data_rejection

from search_app import create_app

pytestmark = pytest.mark.slow  # see setup.cfg: `-m "not slow"` for the inner loop

LONG = os.environ.get("POLICY_INDEX_FUZZ") == "long"
EXAMPLES = int(os.environ.get("POLICY_INDEX_FUZZ_EXAMPLES", 1000 if LONG else 40))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


@pytest.fixture(scope="module")
def fuzz_app(sample_data):
    # A real app over the shared sample index; no rate limit and no query log (the fuzzer's
    # thousands of queries would otherwise fill the shared store's log).
    return create_app(sample_data.root, {"API_RATE_LIMIT": "", "QUERY_LOG": False})


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)


# The operations of /api/openapi.json. schemathesis' own pytest hook (from_fixture) does not run
# under pytest 9, so each operation's strategy is drawn here; the list is checked
# against the document.
OPERATIONS = [
    "GET /api/search",
    "GET /api/policies/{id}",
    "GET /api/policies/{id}/versions",
    "GET /api/policies/{id}/versions/{n}",
    "GET /api/packages",
    "GET /api/packages/{region}/{scenario}",
    "GET /api/suggest",
    "GET /api/for-me",
    "GET /healthz",
]


def test_the_fuzzed_operations_are_every_documented_operation(api_schema, fuzz_app):
    documented = {
        f"{m.upper()} {p}"
        for p, ops in fuzz_app.test_client().get("/api/openapi.json").get_json()["paths"].items()
        for m in ops
    }
    # schemathesis leaves out the operation serving the document it was loaded from
    assert documented - {"GET /api/openapi.json"} == set(OPERATIONS)
    assert sorted(r.ok().label for r in api_schema.get_all_operations()) == sorted(OPERATIONS)


# Only these operations have parameters with constraints that a request can break (a path
# segment of type string cannot be invalid; a version number can), so only they get
# schema-violating requests too.
CONSTRAINED = ("GET /api/search", "GET /api/suggest", "GET /api/policies/{id}/versions/{n}",
               "GET /api/for-me")  # fmt: skip
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE


@pytest.mark.parametrize(
    "label,mode", [(op, POSITIVE) for op in OPERATIONS] + [(op, NEGATIVE) for op in CONSTRAINED]
)
def test_every_operation_conforms_to_its_openapi_description(api_schema, label, mode):
    """Generated from the document itself: no 5xx, documented status codes and content types,
    bodies that match the response schemas, and every schema-valid request accepted. Invalid
    requests need not all be refused: the API is lenient on purpose where a form sends `year=`
    or ` huairou` (empty means absent, values are stripped), so only rejection is not required."""
    method, path = label.split(" ", 1)
    operation = api_schema[path][method]
    lenient = [negative_data_rejection] if mode == NEGATIVE else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @FUZZ
    def check(case):
        case.call_and_validate(excluded_checks=lenient)

    check()


@pytest.mark.parametrize(
    "qs", ["explain=1", "explain=true&sort=date&q=%E4%BA%BA%E6%89%8D", "explain=1&region=huairou"]
)
def test_explain_with_date_order_is_not_a_server_error(fuzz_app, qs):
    """A date-ordered search (sort=date, or nothing typed) has no relevance: explain says so."""
    body = _check_json(fuzz_app.test_client().get("/api/search?" + qs), (200,))
    assert body["results"] and all(r["explain"]["score"] is None for r in body["results"]), body[
        "results"
    ][:1]


# ---- hostile input written by hand ----------------------------------------------------------

WHOOSH_SYNTAX = [
    "title:x OR (",
    "*",
    "?",
    "~",
    "^",
    "~2",
    "^9",
    "(",
    ")",
    '"',
    "'",
    ":",
    "[",
    "]",
    "{",
    "}",
    "AND",
    "OR",
    "NOT",
    "ANDNOT",
    "ANDMAYBE",
    "TO",
    "-",
    "+",
    "\\",
    "/",
    "a*",
    "*b",
    "人才*",
    "body:(",
    "doc:",
    "id:*",
    "[a TO",
    "{x TO y]",
    "<",
    ">",
    "=",
    "%",
    "&",
    "#",
]
INJECTION = [
    "'; DROP TABLE documents; --",
    '" OR 1=1 --',
    "' OR ''='",
    "1; SELECT * FROM fetch_log",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}",
    "${7*7}",
    "%s%s%s%n",
    "../../../../etc/passwd",
    "\r\nSet-Cookie: x=1",
    "<mark>",
    "</mark><b>",
    "&lt;&#0;",
    "\u202e\u2066",
    "\ufeff",
    "\uffff",
    "🙂" * 5,
]
SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)
ANY_CHAR = st.one_of(
    st.characters(codec=None, exclude_categories=()),
    SURROGATES,
    st.sampled_from(["\x00", "\x01", "\x1b", "\x7f", "\t", "\n", "\r"]),
)
WORDS = st.sampled_from(
    ["人才公寓", "外籍", "签证", "子女入学", "visa", "talent", "R", "京人社发〔2018〕45号"]
)


def _piece() -> st.SearchStrategy[str]:
    return st.one_of(
        WORDS,
        st.sampled_from(WHOOSH_SYNTAX),
        st.sampled_from(INJECTION),
        st.text(ANY_CHAR, max_size=12),
        st.just(" "),
    )


HOSTILE_TEXT = st.one_of(
    st.lists(_piece(), max_size=12).map("".join),
    st.text(ANY_CHAR, min_size=150, max_size=400),  # around and past max_query_chars
    st.sampled_from(WHOOSH_SYNTAX + ["x"]).map(
        lambda s: (s * 200)[:199]
    ),  # syntax repeated to just under the limit
)
HOSTILE_BYTES = st.one_of(
    HOSTILE_TEXT.map(
        lambda s: s.encode("utf-8", "surrogatepass")
    ),  # lone surrogates as raw UTF-8 bytes
    st.binary(max_size=64),  # not UTF-8 at all
)
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e3",
            "1.5",
            "0x10",
            " 1",
            "١",
            "１",
            "NaN",
            "inf",
            "9" * 400,
            "1,2",
            "true",
        ]
    ),
    HOSTILE_TEXT,
)
PARAM_VALUES = {
    "q": HOSTILE_BYTES,
    "region": st.one_of(
        st.sampled_from(["huairou", "beijing", "HUAIROU", "mars", ""]), HOSTILE_BYTES
    ),
    "scenario": st.one_of(st.sampled_from(["livable", "space"]), HOSTILE_BYTES),
    "agency": HOSTILE_BYTES,
    "status": st.one_of(st.sampled_from(["in_force", "expired", "maybe"]), HOSTILE_BYTES),
    "lang": st.one_of(st.sampled_from(["zh", "en", "fr"]), HOSTILE_BYTES),
    "year": st.one_of(NUMBERS, st.just("２０２３")),
    "page": NUMBERS,
    "per_page": NUMBERS,
    "sort": st.one_of(st.sampled_from(["relevance", "date", "popular"]), HOSTILE_BYTES),
    "explain": st.one_of(st.sampled_from(["0", "1", "true", "false", "yes", "2"]), HOSTILE_BYTES),
    "doclang": st.sampled_from(["zh", "en", "xx"]),
}


def _enc(v: str | bytes) -> str:
    return quote_from_bytes(
        v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v, safe=""
    )


@st.composite
def query_strings(draw) -> str:
    """Known parameters with hostile values, some repeated, and unknown ones, percent-encoded
    by hand so that bytes no browser would send (NUL, invalid UTF-8, lone surrogates)
    reach the server."""
    names = draw(
        st.lists(
            st.one_of(st.sampled_from(sorted(PARAM_VALUES)), st.text(ANY_CHAR, max_size=8)),
            max_size=8,
        )
    )
    pairs = []
    for name in names:
        value = draw(PARAM_VALUES.get(name, HOSTILE_BYTES))
        pairs.append(f"{_enc(name)}={_enc(value)}")
    return "&".join(pairs)


def _check_json(r, allowed: tuple[int, ...]) -> dict:
    assert r.status_code in allowed, (r.status_code, r.get_data(as_text=True)[:500])
    assert r.mimetype == "application/json"
    body = r.get_json()
    if r.status_code >= 400:
        assert isinstance(body["error"], str) and body["error"]
    return body


@given(qs=query_strings())
@FUZZ
def test_search_answers_hostile_parameters_with_200_or_a_json_400(fuzz_app, qs):
    r = fuzz_app.test_client().get("/api/search?" + qs)
    body = _check_json(r, (200, 400))
    if r.status_code == 200:
        assert isinstance(body["total"], int) and body["total"] >= 0
        assert isinstance(body["results"], list) and len(body["results"]) <= body["per_page"] <= 50
        assert 1 <= body["page"] <= 1000 and isinstance(body["facets"], dict)
        for item in body["results"]:  # the snippet is escaped: only <mark> is markup
            assert "<" not in item["snippet"].replace("<mark>", "").replace("</mark>", "")


@given(q=HOSTILE_BYTES)
@FUZZ
def test_suggest_and_pages_never_fail_on_hostile_text(fuzz_app, q):
    c = fuzz_app.test_client()
    _check_json(c.get("/api/suggest?q=" + _enc(q)), (200, 400))
    page = c.get("/search?q=" + _enc(q))
    assert page.status_code in (200, 400), page.status_code
    assert page.mimetype == "text/html"


@given(a=HOSTILE_TEXT, b=HOSTILE_TEXT)
@FUZZ
def test_path_parameters_answer_json_404_never_5xx(fuzz_app, a, b):
    c = fuzz_app.test_client()
    seg_a, seg_b = _enc(a) or "x", _enc(b) or "y"
    _check_json(c.get(f"/api/policies/{seg_a}"), (404,))
    _check_json(c.get(f"/api/policies/{seg_a}/versions"), (404,))
    _check_json(c.get(f"/api/policies/{seg_a}/versions/{seg_b}"), (400, 404))
    _check_json(c.get(f"/api/packages/{seg_a}/{seg_b}"), (404,))
    _check_json(c.get(f"/api/packages/huairou/{seg_b}"), (200, 404))


@pytest.mark.parametrize(
    "path",
    [
        "/api/policies/%2F/versions",
        "/api/policies//versions",
        "/api/policies/%2F%2F",
        "/api/packages//y",
        "/api/packages/%E4%BA%BA%E6%89%8D%E5%85%AC%E5%AF%93//",
    ],
)
def test_an_empty_or_encoded_slash_segment_is_not_found_not_redirected(fuzz_app, path):
    """Regression seeds: a slash merged away once redirected (308) to another resource (the
    policy "versions"; the package of an empty community, found by the fuzzer)."""
    _check_json(fuzz_app.test_client().get(path), (404,))


@pytest.mark.parametrize(
    "qs",
    [
        "q=%ED%A0%80",
        "q=a%00b",
        "q=%FF%FE%FD",
        "page=-1",
        "page=99999999999999999999999",
        "per_page=-5",
        "per_page=1e309",
        "sort=relevance&sort=date",
        "q=a&q=b",
        "page=%EF%BC%91",
        "year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%93",
        "q=" + "*" * 199,
        "q=" + "(" * 199,
        "q=" + "~" * 199,
        "q=" + "a*" * 99,
        "q=title:x OR (",
        "explain=1&q=x" + "^" * 150,
        "%00=1",
        "q[]=1",
        "q=%E4%BA%BA%E6%89%8D&per_page=50&page=1000",
        "region=%ED%A0%80",
    ],
)
def test_known_hostile_queries(fuzz_app, qs):
    """Regression seeds: each once sent the API to a 5xx or is the boundary of a validator."""
    _check_json(fuzz_app.test_client().get("/api/search?" + qs), (200, 400))
