"""A local folder's pages derived in worker processes give what the crawler's own process gives:
the same documents in the folder's order, the attachments read and handed back for the archive,
a bad page failing alone; the whole crawl through the pool stores what a sequential crawl stores."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import threading
from pathlib import Path

from indexer import derive_pool, pipeline, settings
from indexer.archive import RawPage
from indexer.derive_pool import FolderReader, Task, derive_all
from indexer.sources import source_from_arg
from indexer.store import DocumentStore
from indexer.taxonomy import get
from test_attachments import tiny_docx
from test_crawl import policy_page

BASE = "https://local.example/"


def _folder(tmp_path, n: int):
    for i in range(n):
        extra = f'<p><a href="list{i}.docx">附件：名单{i}</a></p>' if i % 3 == 0 else ""
        html = policy_page(f"人才公寓配租通知第{i}号", f"第一条　人才公寓配租事项{i}。",
                           f"京人社发〔2022〕{i + 1}号", extra)  # fmt: skip
        (tmp_path / f"p{i}.html").write_text(html, encoding="utf-8")
        if extra:
            (tmp_path / f"list{i}.docx").write_bytes(tiny_docx(f"配租名单{i}：张三"))
    (tmp_path / "bad.html").write_bytes(b"\x00\x01\x02 not html at all \xff\xfe")
    return sorted(tmp_path.glob("*.html"))


def _tasks(files):
    return [Task(RawPage(BASE + p.name, p.read_bytes(), None, None, 0.0), (), "t", False, p.name)
            for p in files]  # fmt: skip


def _run(tmp_path, files, workers, expect_children=True):
    reader = FolderReader(tmp_path, BASE, 10_000_000)
    out, children = [], set()
    work = derive_all(_tasks(files), reader, get(), len(files), workers, min_pages=1)
    for task, derived, _fp, read in work:
        children.update(p.pid for p in multiprocessing.active_children())
        doc = derived.doc.contract_dict() if derived.doc else None
        out.append((task.note, derived.outcome, derived.reason, doc, [r.url for r in read]))
    # the pool really derived them (or, told to expect none, did not start)
    assert len(children) == (workers if workers > 1 and expect_children else 0)
    return out


def _fresh(what: str, folder) -> object:
    """This module run in a fresh interpreter: workers are forked only from a process with one
    thread, and a test session holds others (the browser tests' server)."""
    out = subprocess.run([sys.executable, __file__, what, str(folder)], capture_output=True,
                         text=True, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def test_workers_derive_what_one_process_derives(tmp_path):
    files = _folder(tmp_path, 2 * derive_pool.BATCH + 5)  # several batches, one cut short
    got = _fresh("derive", tmp_path)
    alone, pooled = got["alone"], got["pooled"]
    assert [x[0] for x in pooled] == [p.name for p in files]  # the folder's order
    assert pooled == alone
    by_name = {x[0]: x for x in pooled}
    assert by_name["bad.html"][1] == "failed"
    assert by_name["p3.html"][4] == [BASE + "list3.docx"]  # read in the worker, handed back
    assert "配租名单3" in json.dumps(by_name["p3.html"][3], ensure_ascii=False)


def test_a_crawl_through_the_pool_stores_what_a_sequential_crawl_stores(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _folder(site, 30)
    sequential, pooled = _fresh("crawl", tmp_path)
    assert sequential == pooled and len(pooled) == 30


def test_with_other_threads_running_the_pages_are_derived_here(tmp_path):
    files = _folder(tmp_path, 5)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not derive_pool._can_fork()
        assert _run(tmp_path, files, 2, expect_children=False) == _run(tmp_path, files, 1)
    finally:
        stop.set()
        other.join()


def _crawl_both(root: Path) -> list:
    dumps = []
    for workers, min_pages in ((1, 10_000), (2, 1)):
        derive_pool.MIN_PAGES, derive_pool.WORKERS = min_pages, workers
        config = settings.for_data(root / f"data{workers}")
        report = pipeline.crawl(config, [source_from_arg(str(root / "site"))], progress=False)[0]
        assert (report.new, len(report.failed)) == (30, 1), report.line()
        with DocumentStore(config.paths.store) as store:
            docs = [d.contract_dict() for d in store.iter_documents()]
        dumps.append(sorted([d["id"], d["text"], d["doc_number"], d["attachments"]] for d in docs))
    return dumps


if __name__ == "__main__":
    what, folder = sys.argv[1], Path(sys.argv[2])
    assert derive_pool._can_fork(), "a fresh interpreter should hold one thread"
    if what == "derive":
        files = sorted(folder.glob("*.html"))
        print(json.dumps({"alone": _run(folder, files, 1), "pooled": _run(folder, files, 2)}))
    else:
        print(json.dumps(_crawl_both(folder)))
