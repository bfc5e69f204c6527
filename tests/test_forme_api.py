"""A package for one person: GET /api/for-me (contract, 400s), eight profiles chosen in advance,
every community, a need with nothing, the /for-me page and `policy-index for-me`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import build_index, make_doc
from search_app import create_app
from search_app.forme import Profile, person_tags

EXE = str(Path(sys.executable).parent / "policy-index")
SCOPES = ("community", "beijing", "national")

# Chosen before looking at the results: (query string, needs that must find something).
PROFILES = [
    ("region=huairou&who=foreign-talent&children=2&needs=school,housing", ["school", "housing"]),
    ("region=zgc&who=returnee,startup&needs=business", ["business"]),
    ("region=bda&who=foreign-talent&spouse=1&needs=residence-permit,medical-insurance",
     ["residence-permit", "medical-insurance"]),
    ("region=wangjing&who=foreign-high-end&needs=work-permit,tax", ["work-permit", "tax"]),
    ("region=shunyi&who=employer&needs=work-permit", []),
    ("region=tongzhou&who=hk-macao-taiwan&needs=housing,school&children=1", ["housing"]),
    ("region=future-science-city&who=student&needs=services", []),
    ("region=new-shougang&who=foreign-talent&needs=driving-licence,transport&lang=en",
     ["driving-licence"]),
]  # fmt: skip


def _check_body(client, body: dict, tags: set[str]) -> None:
    assert set(body) == {"profile", "steps", "left_out"}
    assert {"total", "by_audience"} <= set(body["left_out"])
    for step in body["steps"]:
        assert {"need", "title", "policies", "guides", "conditions"} <= set(step)
        items = step["policies"] + step["guides"]
        for i in items:
            assert i["fit"] in ("applies", "may_apply")
            # a document whose audience excludes the person is never listed
            assert not i["audience"] or set(i["audience"]) & tags, i
            assert (i["fit"] == "may_apply") == (not i["audience"] or not tags)
            assert i["status"] != "expired"
        ranks = [SCOPES.index(i["scope"]) for i in step["policies"]]
        assert ranks == sorted(ranks), "the community's own first, then citywide and national"
        for g in step["guides"]:
            assert g["kind"] == "guide"
        for c in step["conditions"]:
            assert c["text"] and c["citation"]["title"] in c["citation"]["text"]
            assert c["citation"]["id"] in {i["id"] for i in items}
        if not items:
            assert step["help"]["hotline"] == "12345" and step["help"]["station"]


@pytest.mark.parametrize(("query", "found"), PROFILES, ids=[q for q, _ in PROFILES])
def test_eight_profiles(client, tax, query, found):
    resp = client.get(f"/api/for-me?{query}")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    p = body["profile"]
    tags = person_tags(Profile(p["region"], tuple(p["who"]), tuple(p["needs"]), p["children"],
                               p["stage"], p["spouse"]))  # fmt: skip
    _check_body(client, body, tags)
    assert [s["need"] for s in body["steps"]] == p["needs"]
    assert p["needs"] == [n for n in tax.needs if n in p["needs"]]  # the order a person acts in
    by_need = {s["need"]: s for s in body["steps"]}
    for need in found:
        step = by_need[need]
        assert step["policies"] or step["guides"], need
        first = (step["policies"] + step["guides"])[0]
        assert client.get(f"/api/policies/{first['id']}").status_code == 200


def test_the_family_and_category_a_widen_who_a_person_is():
    p = Profile("huairou", ("foreign-high-end",), ("school",), children=1)
    assert person_tags(p) == {"foreign-high-end", "foreign-talent", "foreign-family"}
    assert person_tags(Profile("huairou", ("returnee",), ("school",), children=1)) == {"returnee"}


def test_a_person_who_says_nothing_of_themselves_is_excluded_from_nothing(client):
    body = client.get("/api/for-me?region=huairou&needs=housing").get_json()
    items = body["steps"][0]["policies"] + body["steps"][0]["guides"]
    assert items and {i["fit"] for i in items} == {"may_apply"}
    assert body["left_out"]["total"] == 0


def test_an_employer_is_not_shown_policies_for_foreign_talent_alone(client):
    body = client.get("/api/for-me?region=shunyi&who=employer&needs=work-permit").get_json()
    assert body["left_out"]["total"] > 0
    assert body["left_out"]["by_audience"].get("foreign-talent", 0) > 0
    talent = client.get("/api/for-me?region=shunyi&who=foreign-talent&needs=work-permit").get_json()
    ids = {i["id"] for s in talent["steps"] for i in s["policies"] + s["guides"]}
    shown = {i["id"] for s in body["steps"] for i in s["policies"] + s["guides"]}
    assert ids - shown, "what only foreign talent may use is left out for an employer"


@pytest.mark.parametrize(
    "region", ["wangjing", "zgc", "future-science-city", "new-shougang", "tongzhou", "shunyi",
               "huairou", "bda"])  # fmt: skip
def test_every_community(client, region):
    body = client.get(f"/api/for-me?region={region}&who=foreign-talent&needs=services,housing")
    assert body.status_code == 200
    steps = body.get_json()["steps"]
    assert [s["need"] for s in steps] == ["housing", "services"]
    assert all(s["policies"] or s["guides"] for s in steps)
    assert any(region in i["regions"] for s in steps for i in s["policies"])
    page = client.get(f"/for-me?region={region}&who=foreign-talent&needs=housing&lang=en")
    assert page.status_code == 200 and 'id="checklist"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("region=mars&needs=school", ["wangjing", "bda"]),
        ("region=beijing&needs=school", ["wangjing"]),
        ("region=huairou&who=alien&needs=school", ["foreign-talent", "student"]),
        ("region=huairou&needs=flying", ["work-permit", "governance"]),
        ("region=huairou", ["needs"]),
        ("region=huairou&needs=school&children=-1", ["children"]),
        ("region=huairou&needs=school&children=many", ["children"]),
        ("region=huairou&needs=school&lang=fr", ["zh", "en"]),
        ("region=huairou&needs=school&region=zgc", ["more than once"]),
        ("needs=school", ["region"]),
    ],
)
def test_bad_profiles_are_400_with_the_allowed_values(client, query, names):
    resp = client.get(f"/api/for-me?{query}")
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert all(n in error for n in names), error


def test_the_openapi_document_describes_it(client):
    doc = client.get("/api/openapi.json").get_json()
    op = doc["paths"]["/api/for-me"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert {"region", "who", "needs", "children", "lang"} <= set(params)
    assert "400" in op["responses"]
    search = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert "audience" in search


def test_the_audience_facet_and_filter(client):
    body = client.get("/api/search?q=&per_page=50").get_json()
    assert body["facets"]["audience"]["foreign-talent"] > 0
    students = client.get("/api/search?q=&audience=student&per_page=50").get_json()
    assert 0 < students["total"] < body["total"]
    for r in students["results"]:
        full = client.get(f"/api/policies/{r['id']}").get_json()
        assert "student" in full["audience"]
    assert client.get("/api/search?q=&audience=aliens").status_code == 400
    html = client.get("/search?q=&lang=en").get_data(as_text=True)
    assert 'id="facet-audience"' in html
    one = students["results"][0]["id"]
    page = client.get(f"/policies/{one}?lang=en").get_data(as_text=True)
    assert "Students and graduates" in page and "/search?audience=student" in page


def test_the_page_holds_the_whole_profile_in_its_url(client):
    html = client.get("/for-me?lang=zh").get_data(as_text=True)
    assert 'id="for-me-form"' in html and 'id="checklist"' not in html
    url = ("/for-me?region=huairou&who=foreign-talent&needs=school&needs=housing&children=2"
           "&spouse=1&lang=zh")  # fmt: skip
    html = client.get(url).get_data(as_text=True)
    assert "第1步" in html and "第2步" in html and "住房" in html
    assert 'value="school" checked' in html and 'value="huairou" selected' in html
    assert client.get("/for-me?region=mars&needs=school").status_code == 400


@pytest.fixture(scope="module")
def thin_app(tmp_path_factory):
    """A corpus with one housing policy for employers and one with no group named."""
    from indexer import settings

    paths = settings.DataPaths(tmp_path_factory.mktemp("thin") / "data")
    docs = [
        make_doc(1, title="企业人才公寓整体承租办法", regions=["huairou"], scenarios=["livable"],
                 text="人才公寓由企业整体承租。", audience=["employer"],
                 conditions=["企业注册满1年"]),
        make_doc(2, title="人才公寓配租通知", regions=["beijing"], scenarios=["livable"],
                 text="人才公寓配租。人才公寓选房。", conditions=["在本市无房"]),
    ]  # fmt: skip
    build_index(paths, docs)
    return create_app(paths.root, {"TESTING": True, "API_RATE_LIMIT": ""})


def test_left_out_may_apply_and_a_need_with_nothing(thin_app, tax):
    client = thin_app.test_client()
    body = client.get(
        "/api/for-me?region=huairou&who=foreign-talent&needs=housing,green"
    ).get_json()
    housing, green = body["steps"]
    assert [i["fit"] for i in housing["policies"]] == [
        "may_apply"
    ]  # undecided: shown, never dropped
    assert housing["left_out"] == {"employer": 1} and body["left_out"]["total"] == 1
    assert housing["conditions"][0]["text"] == "在本市无房"
    assert green["empty"] and green["help"]["hotline"] == "12345"
    station = tax.regions["huairou"].facts["service_stations"][0]
    assert green["help"]["station"]["phone"] == station["phone"]
    html = client.get("/for-me?region=huairou&who=foreign-talent&needs=housing,green&lang=en")
    text = html.get_data(as_text=True)
    assert "1 policy for Employers not shown." in text and "12345" in text
    assert station["phone"] in text and "May apply" in text


def test_the_command_line(sample_data):
    args = [EXE, "for-me", "--region", "huairou", "--who", "foreign-talent", "--needs",
            "school,housing", "--data", str(sample_data.root)]  # fmt: skip
    out = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("第1步: 住房") and "第2步: 子女上学" in out.stdout
    js = subprocess.run([*args, "--json"], capture_output=True, text=True, timeout=120)
    assert [s["need"] for s in json.loads(js.stdout)["steps"]] == ["housing", "school"]
    bad = subprocess.run([*args[:5], "alien", *args[6:]], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert bad.returncode == 1 and "allowed values" in bad.stderr and "Traceback" not in bad.stderr


@pytest.fixture(scope="module")
def schools_app(tmp_path_factory):
    """Three school policies: one for kindergartens, one for secondary schools, one for all."""
    from indexer import settings

    paths = settings.DataPaths(tmp_path_factory.mktemp("schools") / "data")
    docs = [
        make_doc(1, title="外籍人才子女幼儿园入园办法", regions=["huairou"],
                 scenarios=["education"], text="外籍人才子女入园，学位优先。"),
        make_doc(2, title="外籍人才子女初中入学通知", regions=["huairou"], scenarios=["education"],
                 text="外籍人才子女初中入学、高中就读。"),
        make_doc(3, title="外籍人才子女入学服务保障", regions=["beijing"], scenarios=["education"],
                 text="外籍人才子女入学，学校统筹安排。"),
    ]  # fmt: skip
    build_index(paths, docs)
    return create_app(paths.root, {"TESTING": True, "API_RATE_LIMIT": ""})


KINDERGARTEN, SECONDARY, EVERY = (
    "外籍人才子女幼儿园入园办法",
    "外籍人才子女初中入学通知",
    "外籍人才子女入学服务保障",
)


@pytest.mark.parametrize(
    "stage,titles,other",
    [("", {KINDERGARTEN, SECONDARY, EVERY}, 0), ("kindergarten", {KINDERGARTEN, EVERY}, 1),
     ("secondary", {SECONDARY, EVERY}, 1), ("primary", {EVERY}, 2)],
)  # fmt: skip
def test_the_school_stage_leaves_out_policies_about_other_stages(schools_app, stage, titles, other):
    client = schools_app.test_client()
    q = f"region=huairou&who=foreign-talent&children=1&needs=school&stage={stage}"
    step = client.get(f"/api/for-me?{q}").get_json()["steps"][0]
    assert {p["title"] for p in step["policies"]} == titles
    assert step["other_stages"] == other
    html = client.get(f"/for-me?{q}&lang=en").get_data(as_text=True)
    assert ("only about other school stages not shown" in html) == bool(other)
