"""Raw pages kept in the archive; documents re-derived from them when the rules change, offline."""

import json
import shutil
import subprocess
import sys

from click.testing import CliRunner

from indexer import derive, pipeline, settings
from indexer import patterns as P
from indexer import taxonomy as taxonomy_mod
from indexer.archive import Archive
from indexer.sources import Source, source_from_arg
from indexer.store import DocumentStore
from search_app import create_app
from search_app.cli import main
from test_crawl import policy_page

ROOT = settings.PROJECT_ROOT
PLACE = "云湖科创谷"  # a place no taxonomy alias names


def _folder(tmp_path):
    """A local source of two pages: one names PLACE five times, one cites a source outlet."""
    site = tmp_path / "site"
    site.mkdir()
    body = "。".join(f"{PLACE}人才公寓第{i}批房源开放申请" for i in range(5)) + "。"
    (site / "place.html").write_text(policy_page("人才公寓房源开放通知", body), encoding="utf-8")
    news = """<html><head><meta charset="utf-8"><title>人才服务周活动举行</title></head><body>
<h1>人才服务周活动举行</h1><div class="info"><span>发布时间：2023-04-20</span> \
<span>来源：首都人才服务中心</span></div>
<div class="article-content">\
<p>本周，多个外籍人才服务站联合举办政策宣讲活动，现场解答工作许可和居留许可问题。</p>
<p>活动还介绍了人才公寓和子女入学等配套服务，吸引了许多外籍人才及其家属参加。</p></div></body></html>"""
    (site / "news.html").write_text(news, encoding="utf-8")
    return site


def _docs(config) -> dict:
    with DocumentStore(config.paths.store) as store:
        return {d.title: d for d in store.iter_documents()}


def test_every_fetched_response_is_kept_in_the_archive(http_site, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_CRAWL_DELAY", "0")
    http_site.add("/", '<html><body><a href="/p.html">通知</a></body></html>')
    gbk = policy_page("怀柔区人才公寓通知", "朱镕同志负责解答。").replace("utf-8", "gbk")
    http_site.add("/p.html", gbk.encode("gbk"), ctype="text/html; charset=gbk",
                  headers={"ETag": '"v1"'})  # fmt: skip
    config = settings.for_data(tmp_path / "data")
    pipeline.crawl(config, [source_from_arg(http_site.base + "/")], progress=False)
    with Archive(config.paths.archive) as archive:
        page = archive.latest(http_site.base + "/p.html")
        assert page is not None and page.body == gbk.encode("gbk")
        assert page.content_type == "text/html; charset=gbk" and page.status == 200
        assert archive.count() == 2  # the listing page too (robots.txt is not a page)
    warcs = list(config.paths.archive.glob("*.warc.gz"))
    assert warcs and all(w.stat().st_size > 0 for w in warcs)
    # The files are standard WARC: warcio's own reader lists the responses with their headers.
    from warcio.archiveiterator import ArchiveIterator

    with open(warcs[0], "rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers)
                   for r in ArchiveIterator(fh)]  # fmt: skip
    assert ("response", http_site.base + "/p.html") in [(t, u) for t, u, _ in records]
    etags = [h.get_header("ETag") for t, u, h in records if u.endswith("/p.html")]
    assert etags == ['"v1"']
    # A second crawl of unchanged bytes adds nothing to the archive.
    pipeline.crawl(config, [source_from_arg(http_site.base + "/")], progress=False)
    with Archive(config.paths.archive) as archive:
        n = archive.db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    assert n == 2


def test_a_taxonomy_change_reaches_stored_documents_without_the_network(tmp_path):
    site = _folder(tmp_path)
    config = settings.for_data(tmp_path / "data")
    source = Source(name="local", path=site, base_url="https://local.example/")
    pipeline.crawl(config, [source], progress=False)
    pipeline.index(config, full=True)
    assert "huairou" not in _docs(config)["人才公寓房源开放通知"].regions
    shutil.rmtree(site)  # the pages are gone: only the archive holds them now
    taxonomy = tmp_path / "taxonomy.yaml"
    text = (ROOT / "policies" / "taxonomy.yaml").read_text(encoding="utf-8")
    taxonomy.write_text(text.replace("aliases: [怀柔, ", f"aliases: [怀柔, {PLACE}, "), "utf-8")
    changed = config.replace(taxonomy=str(taxonomy))
    report = pipeline.index(changed)  # `index` notices the new classifier words by itself
    assert report.added >= 1
    doc = _docs(changed)["人才公寓房源开放通知"]
    new_version = derive.extractor_version(taxonomy_mod.get(str(taxonomy)))
    assert "huairou" in doc.regions and doc.extractor == new_version
    client = create_app(
        changed.paths.root, {"TESTING": True, "taxonomy": str(taxonomy)}
    ).test_client()
    served = client.get(f"/api/policies/{doc.id}").get_json()
    assert served["regions"] == doc.regions  # the index was rebuilt from the re-derived document


def test_a_rule_change_is_rederived_by_crawl_index_and_renormalize(tmp_path, monkeypatch):
    site = _folder(tmp_path)
    config = settings.for_data(tmp_path / "data")
    source = Source(name="local", path=site, base_url="https://local.example/")
    pipeline.crawl(config, [source], progress=False)
    assert _docs(config)["人才服务周活动举行"].agency == "首都人才服务中心"
    # A new rule: a "…中心" is not a government body that issues documents. The extractor's
    # version is a digest of the rule modules; a test cannot edit them, so it names the new
    # version itself.
    words = tuple(w for w in P.GOV_BODY_WORDS if w != "中心")
    monkeypatch.setattr(P, "GOV_BODY_WORDS", words)
    monkeypatch.setattr(derive, "EXTRACTOR_CODE", "rule-changed")
    report = pipeline.renormalize(config)
    assert report.checked == 2 and report.changed == 1 and report.unchanged == 1
    doc = _docs(config)["人才服务周活动举行"]
    assert doc.agency is None and doc.extractor.startswith("rule-changed-")
    # crawl of an unchanged page derives it again when the version changed
    monkeypatch.setattr(derive, "EXTRACTOR_CODE", "rule-changed-again")
    reports = pipeline.crawl(config, [source], progress=False)
    assert reports[0].unchanged == 2
    assert {d.extractor for d in _docs(config).values()} == {
        derive.extractor_version(taxonomy_mod.get())
    }


def test_renormalize_command(tmp_path):
    site = _folder(tmp_path)
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["crawl", str(site), "--data", str(data)]).exit_code == 0
    r = runner.invoke(main, ["renormalize", "--data", str(data)])
    assert r.exit_code == 0, r.output
    assert "2 documents re-derived from their kept pages: 0 changed, 2 unchanged" in r.output
    r = runner.invoke(main, ["renormalize", "--data", str(tmp_path / "empty")])
    assert r.exit_code == 1 and "no document store" in r.output


def test_dump_and_the_policy_endpoint_agree_for_every_document(sample_data, client):
    proc = subprocess.run(
        [sys.executable, "-m", "search_app.cli", "dump", "--data", str(sample_data.root)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    dumped = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(dumped) >= 260
    served = 0
    for doc in dumped:
        r = client.get(f"/api/policies/{doc['id']}")
        if doc["copy_of"]:  # a copy is served as its canonical's alternate page
            assert r.status_code == 404
            continue
        assert r.get_json() == doc
        served += 1
    assert served == len(dumped) - sum(1 for d in dumped if d["copy_of"])
    with_links = [d for d in dumped if d["related"]]
    assert len(with_links) > 100  # translations, interpretations and guides resolved both ways
    assert any(d["related_numbers"] for d in dumped)


def test_every_rule_module_is_in_the_extractor_version():
    """A change to any module derive() reaches makes a new extractor version, so its documents are
    re-derived (the model and the archive hold no rules, the settings are configuration, the
    listing modules read what a page links to, not what it says, and the taxonomy's classifier
    words are digested on their own)."""
    import ast

    here = ROOT / "indexer"
    reached, todo = set(), ["derive"]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        for node in ast.walk(ast.parse((here / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                mods = [node.module] if node.module else [a.name for a in node.names]
                todo.extend(m for m in mods if (here / f"{m}.py").exists())
    outside = {"model", "archive", "settings", "taxonomy", "listing_pages", "listing_model"}
    assert reached - outside <= set(derive.RULE_MODULES)
