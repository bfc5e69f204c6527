"""`policy-index sources check`: a dry run over emulated CMSs on 127.0.0.1, through the installed
command. It reads listings only, writes nothing, and fails in one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_cli import EXE, ROOT

import cms

SOURCES = """sources:
  - name: bureau
    start_urls: [{base}/zhengce/]
    allowed_hosts: [127.0.0.1]
    delay: 0
    strategy: trs
  - name: library
    start_urls: [{base}/]
    allowed_hosts: [127.0.0.1]
    delay: 0
    strategy: json
    listing:
      url: "{base}/search-gov/data?p={{page}}&n={{size}}"
      items: "searchVO.catMap.*.listVO[]"
      page_size: 5
  - name: scripted
    start_urls: [{base}/list.html]
    allowed_hosts: [127.0.0.1]
    delay: 0
    strategy: render
  - name: old
    enabled: false
    start_urls: [{base}/old/]
"""


def check(*args, env=None, exe=(EXE,)):
    return subprocess.run([*exe, "sources", "check", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, **(env or {})})  # fmt: skip


@pytest.fixture()
def configured(http_site, tmp_path):
    trs_docs = cms.trs(http_site, "/zhengce/", list(range(12, 0, -1)), per_page=4)
    json_docs = cms.json_api(http_site, "/search-gov/data", total=12)
    cms.rendered(http_site)
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES.format(base=http_site.base), encoding="utf-8")
    return path, trs_docs, json_docs


def test_check_reports_each_source_and_stores_nothing(configured, http_site, tmp_path):
    path, trs_docs, json_docs = configured
    data = tmp_path / "never-made"
    out = check("--config", str(path), "--data", str(data), "--show", "2")
    lines = out.stdout.splitlines()
    assert "bureau (trs): listing pages 3, document URLs 12, could not read 0" in lines[0]
    assert lines[1].startswith(f"  {trs_docs[0]}  2024-") and lines[2].startswith(
        f"  {trs_docs[1]}"
    )
    assert any(
        line.startswith("library (json): listing pages 4, document URLs 12") for line in lines
    )
    assert "  could not read " + http_site.base + "/list.html: the render strategy is off" in (
        out.stdout)  # fmt: skip
    assert "old" not in out.stdout  # disabled
    # The render source found nothing: the command fails, in one line, naming it.
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == ["Error: 1 of 3 sources found no document: scripted"]
    assert not data.exists()
    documents = {d[len(http_site.base) :] for d in trs_docs + json_docs}
    assert documents and not documents & set(http_site.hits)  # no document was fetched


def test_check_one_source_and_user_errors(configured, tmp_path):
    path, _, _ = configured
    out = check("bureau", "--config", str(path), "--data", str(tmp_path / "d"))
    assert out.returncode == 0 and out.stdout.startswith("bureau (trs)"), out.stderr
    assert "library" not in out.stdout
    out = check("nope", "--config", str(path))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip() == (f"Error: no source named 'nope' in {path} "
                                  "(known: bureau, library, scripted, old)")  # fmt: skip
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - name: x\n    start_urls: [http://127.0.0.1:9/]\n"
                   "    strategy: frames\n", encoding="utf-8")  # fmt: skip
    out = check("--config", str(bad))
    assert out.returncode == 1 and len(out.stderr.strip().splitlines()) == 1
    assert "unknown strategy 'frames' (one of links, trs, hanweb, json" in out.stderr
    bad.write_text("sources:\n  - name: x\n    start_urls: [http://127.0.0.1:9/]\n"
                   "    strategy: json\n    listing: {url: 'http://127.0.0.1:9/?p={page}'}\n",
                   encoding="utf-8")  # fmt: skip
    out = check("--config", str(bad))
    assert out.returncode == 1 and "strategy json needs the parameter 'items'" in out.stderr


def test_render_without_playwright_is_one_clear_line(configured):
    path, _, _ = configured
    # The same command in an interpreter where playwright cannot be imported.
    code = "import sys; sys.modules['playwright'] = None; from search_app.cli import main; main()"
    out = check("scripted", "--config", str(path), exe=(sys.executable, "-c", code),
                env={"POLICY_INDEX_RENDER": "1"})  # fmt: skip
    assert out.returncode == 1 and "Traceback" not in out.stderr + out.stdout
    assert "the render strategy needs Playwright: pip install 'policy-index[render]'" in out.stdout
