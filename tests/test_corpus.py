"""The bundled sample corpus: rendered faithfully, normalized to what each page declares,
full coverage."""

import filecmp
import functools
import json
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from devtools.sample_site import render_site
from indexer import pipeline, settings
from indexer.encoding import decode_html
from indexer.model import doc_id
from indexer.normalize import normalize
from indexer.sources import source_from_arg
from indexer.store import DocumentStore

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "policies" / "corpus"
BASE = settings.SAMPLE_BASE_URL
FAMILY_OF_TEMPLATE = {
    "gov-library": "gov-cn-new",
    "bj-list": "beijing-list",
    "bureau-gbk": "bureau-table",
    "news": "news",
    "en-guide": "english",
    "guide": "service-guide",
}
FIELDS = ("title", "doc_number", "agency", "publish_date", "written_date", "lang", "status", "kind")


@pytest.fixture(scope="module")
def manifest():
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]


@pytest.fixture(scope="module")
def stored(sample_data):
    with DocumentStore(sample_data.store) as store:
        return {d.url[len(BASE) :]: d for d in store.iter_documents()}


def test_committed_site_is_the_render_of_the_sources(tmp_path):
    out = tmp_path / "site"
    render_site(CORPUS / "src", out)

    def compare(a: Path, b: Path):
        cmp = filecmp.dircmp(a, b)
        assert not cmp.left_only and not cmp.right_only, (cmp.left_only, cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
        assert not mismatch and not errors, "run: python scripts/render_corpus.py"
        for sub in cmp.common_dirs:
            compare(a / sub, b / sub)

    compare(CORPUS / "site", out)


def test_every_page_normalizes_to_the_fields_it_declares(manifest):
    wrong = Counter()
    for e in manifest:
        html, _ = decode_html((CORPUS / "site" / e["path"]).read_bytes())
        d = normalize(html, BASE + e["path"])
        for f in FIELDS:
            if getattr(d, f) != e[f]:
                wrong[f] += 1
                print(e["path"], f, e[f], getattr(d, f))
        assert d.sample and len(d.text) >= 300
        assert d.provenance["family"] == FAMILY_OF_TEMPLATE[e["template"]], e["path"]
    assert not wrong


def test_related_links_resolve_to_the_documents_they_name(manifest, stored):
    for e in manifest:
        d = stored[e["path"]]
        targets = {lk["rel"]: doc_id(lk["url"]) for lk in d.links}
        if e["explains"]:
            rel = "original" if e["kind"] == "translation" else "policy"
            assert targets.get(rel) == doc_id(BASE + e["explains"]), e["path"]
        if e["replaced_by"]:
            assert targets.get("replaced_by") == doc_id(BASE + e["replaced_by"]), e["path"]


def test_classification_agrees_with_the_authors(manifest, stored, tax):
    region_ok = primary_ok = any_ok = 0
    for e in manifest:
        d = stored[e["path"]]
        declared = set(e["regions"])
        if "beijing" in declared:  # a citywide policy is in every community's packages already
            declared -= set(tax.communities)
        region_ok += declared <= set(d.regions)
        primary_ok += e["scenarios"][0] in d.scenarios
        any_ok += bool(set(e["scenarios"]) & set(d.scenarios))
    n = len(manifest)
    print(
        f"regions {region_ok / n:.3f}, primary scenario {primary_ok / n:.3f}, "
        f"any scenario {any_ok / n:.3f}"
    )
    assert region_ok / n >= 0.97 and primary_ok / n >= 0.85 and any_ok / n >= 0.93


def test_coverage(manifest, stored, tax):
    n = len(manifest)
    assert n >= 200 and len(stored) == n
    kinds = Counter(e["kind"] for e in manifest)
    assert sum(e["lang"] == "en" for e in manifest) >= 40
    assert kinds["interpretation"] >= 20 and kinds["guide"] >= 20
    expired = [e for e in manifest if e["status"] == "expired"]
    assert len(expired) >= 0.1 * n and all(e["replaced_by"] for e in expired)
    assert len({e["template"] for e in manifest}) >= 6
    own = Counter(r for e in manifest for r in e["regions"])
    for community in tax.communities:
        assert own[community] >= 8, community


def test_every_package_has_two_policies_in_force(client, tax):
    counts = {p["key"]: p["count"] for p in client.get("/api/packages").get_json()["packages"]}
    assert len(counts) == 72
    thin = {k: v for k, v in counts.items() if v < 2}
    assert not thin


@pytest.mark.slow
def test_the_sample_site_crawls_over_http_from_its_home_page(tmp_path, monkeypatch, manifest):
    monkeypatch.setenv("POLICY_INDEX_CRAWL_DELAY", "0")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(CORPUS / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        paths = settings.DataPaths(tmp_path / "data")
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        report = pipeline.crawl(
            settings.for_data(paths.root), [source_from_arg(url)], max_pages=2000, progress=False
        )[0]
    finally:
        server.shutdown()
        server.server_close()
    assert not report.failed
    assert report.new == len(manifest)


def test_corpus_expander_is_deterministic_and_well_formed():
    from devtools.corpus_src import load_sources
    from devtools.sample_expand import expand
    from devtools.sample_site import Site

    docs, errors = load_sources(CORPUS / "src")
    assert not errors
    n = len(docs) * 2 + 17
    first, second = list(expand(docs, n)), list(expand(docs, n))
    assert len(first) == n and [d.slug for d in first] == [d.slug for d in second]
    assert [d.body for d in first] == [d.body for d in second]
    assert len({d.slug for d in first}) == n
    site = Site(first)
    for d in first[len(docs) :: 37]:
        expected = site.expected(d)
        html, _ = decode_html(site.render(d))
        got = normalize(html, BASE + expected["path"])
        for f in FIELDS:
            assert getattr(got, f) == expected[f], (d.slug, f)
