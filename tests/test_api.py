"""The JSON API on the bundled sample corpus: the contract's shapes, filters, errors."""

import re

import pytest

CONTRACT_RESULT_KEYS = {
    "id",
    "url",
    "title",
    "doc_number",
    "agency",
    "publish_date",
    "status",
    "lang",
    "regions",
    "scenarios",
    "snippet",
    "score",
}


def test_search_response_has_the_contract_shape(client):
    body = client.get("/api/search?q=人才公寓 申请").get_json()
    assert set(body) >= {
        "query",
        "total",
        "page",
        "per_page",
        "results",
        "packages",
        "facets",
        "suggestion",
    }
    assert body["query"]["q"] == "人才公寓 申请" and body["query"]["terms"] == ["人才公寓", "申请"]
    assert body["total"] >= 5 and body["page"] == 1 and body["per_page"] == 10
    assert len(body["results"]) == 10
    for r in body["results"]:
        assert set(r) >= CONTRACT_RESULT_KEYS
        assert re.fullmatch(r"[0-9a-f]{16}", r["id"])
        assert r["publish_date"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", r["publish_date"])
    assert "人才公寓" in body["results"][0]["title"]
    assert set(body["facets"]) == {"region", "scenario", "audience", "agency", "year", "status",
                                   "lang"}  # fmt: skip
    pkg = body["packages"][0]
    assert set(pkg) >= {"key", "region", "scenario", "title_zh", "title_en", "score", "policy_ids"}
    assert pkg["key"] == f"{pkg['region']}/{pkg['scenario']}" and pkg["policy_ids"]
    assert any(p["scenario"] == "livable" for p in body["packages"][:3])


def test_results_are_ranked_and_paginated(client):
    first = client.get("/api/search?q=外籍人才&per_page=5").get_json()
    second = client.get("/api/search?q=外籍人才&per_page=5&page=2").get_json()
    assert first["total"] == second["total"] > 10
    scores = [r["score"] for r in first["results"] + second["results"]]
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 10
    in_force = [r["score"] for r in first["results"] if r["status"] != "expired"]
    assert in_force == sorted(in_force, reverse=True)
    far = client.get("/api/search?q=外籍人才&page=999").get_json()
    assert far["results"] == [] and far["total"] == first["total"]
    assert scores


def test_sort_by_date(client):
    body = client.get("/api/search?q=人才&sort=date&per_page=20").get_json()
    dates = [r["publish_date"] or "" for r in body["results"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "q,param,value",
    [
        ("人才", "region", "huairou"),
        ("人才", "scenario", "education"),
        ("人才", "status", "in_force"),
        ("talent", "lang", "en"),
    ],
)
def test_filters_narrow_results_and_facets_count_them(client, q, param, value):
    unfiltered = client.get(f"/api/search?q={q}").get_json()
    body = client.get(f"/api/search?q={q}&{param}={value}&per_page=50").get_json()
    assert body["total"] < unfiltered["total"]
    assert body["total"] > 0 and body["query"]["filters"] == {param: value}
    field = {"region": "regions", "scenario": "scenarios"}.get(param, param)
    for r in body["results"]:
        got = r[field]
        if param == "region":
            assert set(got) & {
                "huairou",
                "beijing",
                "national",
            }  # wider scopes apply in a community
        elif isinstance(got, list):
            assert value in got
        else:
            assert got == value
    facet = body["facets"][param]
    if param != "region":
        assert facet[value] == body["total"]
    if param in ("status", "lang"):
        assert len(facet) == 1


def test_agency_filter_and_facet(client):
    body = client.get("/api/search?q=人才").get_json()
    agency, count = next(iter(body["facets"]["agency"].items()))
    filtered = client.get(f"/api/search?q=人才&agency={agency}").get_json()
    assert filtered["total"] == count
    assert all(agency in r["agency"].split("、") for r in filtered["results"])


@pytest.mark.parametrize(
    "qs",
    [
        "q=人才公寓&agency=没有这个机关",
        "q=人才公寓&year=1999",
        "q=visa&region=huairou&year=1999",
        "q=&agency=没有这个机关",
    ],
)
def test_a_filter_that_matches_nothing_counts_nothing(client, qs):
    body = client.get("/api/search?" + qs).get_json()
    assert body["total"] == 0 and body["results"] == []
    assert all(not counts for counts in body["facets"].values()), body["facets"]


def test_english_and_doc_number_queries(client):
    body = client.get("/api/search?q=work permit").get_json()
    assert body["total"] > 0
    any_doc = client.get("/api/search?q=人才&per_page=50").get_json()
    numbered = next(r for r in any_doc["results"] if r["doc_number"])
    messy = numbered["doc_number"].replace("〔", "[").replace("〕", "]")
    hit = client.get("/api/search", query_string={"q": messy}).get_json()
    assert hit["results"][0]["id"] == numbered["id"]


def test_empty_query_lists_everything_newest_first(client):
    body = client.get("/api/search?per_page=50").get_json()
    assert body["total"] >= 30 and body["packages"] == []
    dates = [r["publish_date"] or "" for r in body["results"]]
    assert dates == sorted(dates, reverse=True)


def test_and_falls_back_to_or(client):
    body = client.get("/api/search?q=人才公寓 量子引力波").get_json()
    assert body["total"] > 0 and body["query"]["matched"] == "any"
    assert body["query"]["matched_all"] == 0


def test_a_misspelt_english_word_is_searched_as_the_word_the_documents_use(client):
    body = client.get("/api/search?q=talent appartment rent").get_json()
    assert body["query"]["searched_for"] == "talent apartment rent"
    first = body["results"][0]["title"]
    assert "apartment" in first.lower() or "公寓" in first
    # ordinary words, and words the documents use, are searched as typed
    for q in ("visa for my wife", "school for my kids in Huairou", "人才公寓"):
        assert client.get(f"/api/search?q={q}").get_json()["query"]["searched_for"] is None
    page = client.get("/search?q=talent appartment", headers={"Accept-Language": "en"})
    assert "Showing results for talent apartment" in page.get_data(as_text=True)


def test_few_documents_with_every_word_come_first_then_those_with_some(client):
    """A few policies hold 邻里中心 and 中文课 (or their English names); the Shunyi neighbourhood
    centre's measure (its classes are 中文初级班; 后沙峪 is in Shunyi) is found too instead of
    being left out, and the page says how many hold every word."""
    body = client.get("/api/search?q=后沙峪 邻里中心 中文课&per_page=20").get_json()
    q = body["query"]
    assert q["matched"] != "all" and 0 < q["matched_all"] < 30 and body["total"] > q["matched_all"]
    assert any("shunyi-international-neighbourhood-2025" in r["url"] for r in body["results"])
    page = client.get("/search?q=后沙峪 邻里中心 中文课", headers={"Accept-Language": "zh"})
    n = q["matched_all"]
    assert f"同时包含全部关键词的政策有 {n} 条" in page.get_data(as_text=True)
    one = client.get("/api/search?q=人才公寓").get_json()
    assert one["query"]["matched"] == "all" and one["query"]["matched_all"] == one["total"] >= 30


def test_did_you_mean_for_misspelt_english_and_near_miss_chinese(client):
    assert client.get("/api/search?q=permitt").get_json()["suggestion"] == "permit"
    assert client.get("/api/search?q=人才工寓").get_json()["suggestion"] == "人才公寓"
    assert client.get("/api/search?q=人才公寓").get_json()["suggestion"] is None


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "page=1001",
        "per_page=0",
        "per_page=51",
        "per_page=1e3",
        "sort=popular",
        "region=mars",
        "scenario=space",
        "status=maybe",
        "lang=fr",
        "q=" + "长" * 201,
        "q=%00",
        "q=a%01b",
        "region=huairou&region=shunyi",
        "agency=" + "局" * 101,
    ],
)
def test_bad_parameters_get_400_with_a_message(client, query):
    r = client.get("/api/search?" + query)
    assert r.status_code == 400 and r.is_json and r.get_json()["error"]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "((",
        "title:x",
        "a* OR b?",
        "人才~2",
        "x^9",
        "/regex/",
        "AND OR NOT",
        "-",
        "'; DROP TABLE documents; --",
        "<script>",
        "\\",
        "🙂",
        "   ",
    ],
)
def test_hostile_queries_never_fail(client, q):
    r = client.get("/api/search", query_string={"q": q})
    assert r.status_code == 200, r.data


def test_policy_endpoint(client):
    first = client.get("/api/search?q=人才公寓").get_json()["results"][0]
    doc = client.get(f"/api/policies/{first['id']}").get_json()
    assert list(doc)[:11] == [
        "id",
        "url",
        "title",
        "doc_number",
        "agency",
        "publish_date",
        "lang",
        "status",
        "regions",
        "scenarios",
        "text",
    ]
    assert doc["title"] == first["title"] and len(doc["text"]) > 200 and doc["sample"] is True
    r = client.get("/api/policies/0000000000000000")
    assert r.status_code == 404 and "error" in r.get_json()


def test_packages_endpoints(client, tax):
    allp = client.get("/api/packages").get_json()["packages"]
    assert len(allp) == 72 and {p["key"] for p in allp} == {
        f"{r}/{s}" for r in tax.communities for s in tax.scenarios
    }
    assert all(p["count"] >= 1 for p in allp)
    pkg = client.get("/api/packages/huairou/livable").get_json()
    assert pkg["key"] == "huairou/livable" and pkg["count"] == len(pkg["policies"]) > 0
    assert all(p["status"] != "expired" for p in pkg["policies"])
    assert all(set(p["regions"]) & {"huairou", "beijing", "national"} for p in pkg["policies"])
    assert client.get("/api/packages/mars/livable").status_code == 404
    assert client.get("/api/packages/huairou/space").status_code == 404
    assert client.get("/api/packages/beijing/livable").get_json()["error"]


def test_suggest(client):
    body = client.get("/api/suggest?q=人才").get_json()
    assert body["suggestions"] and all(
        "人才" in s["text"] for s in body["suggestions"] if s["kind"] != "term"
    )
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []
    terms = client.get("/api/suggest?q=work per").get_json()["suggestions"]
    assert any(t["kind"] == "term" and t["text"].startswith("work permit") for t in terms)
    assert client.get("/api/suggest?q=" + "x" * 101).status_code == 400


def test_openapi_and_health(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/api/search" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {
        "q",
        "region",
        "scenario",
        "audience",
        "agency",
        "status",
        "lang",
        "year",
        "page",
        "per_page",
        "sort",
        "explain",
    }
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["documents"] >= 30


def test_unknown_api_path_is_json_404(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.get_json()["error"]
    r = client.post("/api/search")
    assert r.status_code == 405 and r.get_json()["error"]


def test_explain_says_why(client):
    body = client.get("/api/search?q=望京 人才公寓&explain=1&per_page=3").get_json()
    assert body["explain"]["regions_boosted"] == ["wangjing"]
    first = body["results"][0]
    assert "wangjing" in first["regions"] and "人才公寓" in first["explain"]["matched"]["title"]
    assert first["explain"]["boosts"]["community named in the query"] == ["wangjing"]
    assert "explain" not in client.get("/api/search?q=人才公寓").get_json()
    assert client.get("/api/search?q=x&explain=maybe").status_code == 400


def test_packages_say_which_policies_matched_and_why(client):
    body = client.get("/api/search?q=人才公寓&explain=1").get_json()
    pkg = body["packages"][0]
    # the typed word first; English translations in the package matched the English name of it
    english = body["explain"]["concepts"][0]["english"]
    assert pkg["matched_terms"][0] == "人才公寓" and set(pkg["matched_terms"]) <= {
        "人才公寓",
        *english,
    }
    assert set(pkg["matched"]) == set(pkg["policy_ids"])


def test_zero_results_offer_the_nearest_packages(client):
    body = client.get("/api/search?q=量子纠缠 引力波 望京").get_json()
    assert body["total"] == 0 and body["packages"]
    assert all(p["nearest"] and p["region"] == "wangjing" for p in body["packages"])


def test_character_pairs_find_a_fragment_of_a_title_the_words_miss(small_data):
    from conftest import build_index, make_doc
    from search_app import create_app

    build_index(
        small_data,
        [
            make_doc(1, title="外籍人才服务站工作规则", text="服务站提供咨询和代办服务。" * 3),
            make_doc(2, title="服务站值班安排", text="外籍人才服务站提供咨询和代办服务。" * 3),
        ],
    )
    client = create_app(small_data.root, {"TESTING": True}).test_client()
    body = client.get("/api/search?q=务站工作").get_json()
    assert body["query"]["matched"] == "characters"
    assert [r["title"] for r in body["results"]] == ["外籍人才服务站工作规则"]


def test_api_is_rate_limited_per_client_and_health_is_not(sample_data):
    from search_app import create_app

    app = create_app(sample_data.root, {"TESTING": True, "API_RATE_LIMIT": "3 per minute"})
    c = app.test_client()
    codes = [c.get("/api/search?q=人才").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = c.get("/api/suggest?q=人")
    assert r.status_code == 429 and r.is_json and r.get_json()["error"]
    assert all(c.get("/healthz").status_code == 200 for _ in range(5))
    assert c.get("/search?q=人才").status_code == 200  # pages are not limited
    other = c.get("/api/search?q=人才", environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert other.status_code == 200


def test_openapi_describes_every_api_route_and_parameter(sample_app, client):
    spec = client.get("/api/openapi.json").get_json()
    documented = {p.replace("{", "<").replace("}", ">") for p in spec["paths"]}
    routes = {
        r.rule
        for r in sample_app.url_map.iter_rules()
        if r.rule.startswith("/api/") or r.rule == "/healthz"
    }
    # the routes name a policy's id doc_id (id is a builtin), the document id
    assert {r.replace("<doc_id>", "<id>") for r in routes} == documented
    # Every parameter the validator reads is documented, and nothing else.
    import inspect

    from search_app import query

    source = inspect.getsource(query.parse_params)
    read = set(re.findall(r'_(?:one|int|choice)\(args, "(\w+)"', source)) | {"lang"}
    search_params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert read == search_params


def test_doc_number_brings_the_policy_then_what_explains_it(client):
    import json
    from pathlib import Path

    from indexer.model import doc_id
    from indexer.settings import SAMPLE_BASE_URL

    manifest = json.loads(
        (Path(__file__).parent.parent / "policies/corpus/manifest.json").read_text("utf-8")
    )
    by_path = {e["path"]: e for e in manifest["documents"]}
    pair = next(
        (e, by_path[e["explains"]])
        for e in manifest["documents"]
        if e["kind"] == "translation" and by_path[e["explains"]]["doc_number"]
    )
    translation, original = pair
    number = original["doc_number"].replace("〔", "（").replace("〕", "）第")
    ids = [
        r["id"] for r in client.get("/api/search", query_string={"q": number}).get_json()["results"]
    ]
    assert ids[0] == doc_id(SAMPLE_BASE_URL + original["path"])
    assert doc_id(SAMPLE_BASE_URL + translation["path"]) in ids[1:5]
