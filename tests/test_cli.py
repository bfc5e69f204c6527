"""The installed console script, run as a subprocess: every command, errors in one line."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from search_app import create_app

ROOT = Path(__file__).resolve().parent.parent
EXE = shutil.which("policy-index") or str(Path(sys.executable).parent / "policy-index")


def run(*args, data=None, check=True, env=None):
    cmd = [EXE, *args] + (["--data", str(data)] if data else [])
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def cli_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("cli")
    out = run(
        "crawl", "policies/corpus/site/wangjing", "policies/corpus/site/national", data=data
    ).stdout
    assert "new" in out
    assert "full index build" in run("index", data=data).stdout
    return data


def test_console_script_is_installed():
    assert Path(EXE).exists()
    assert "crawl" in run("--help").stdout


def test_dump_prints_one_document_per_line(cli_data):
    lines = run("dump", data=cli_data).stdout.splitlines()
    assert len(lines) >= 10
    docs = [json.loads(x) for x in lines]
    assert all(
        list(d)[:11]
        == [
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
        for d in docs
    )


def test_search_json_is_exactly_the_api_body(cli_data):
    args = ["search", "人才公寓", "--json", "--limit", "5", "--region", "wangjing"]
    cli_body = json.loads(run(*args, data=cli_data).stdout)
    client = create_app(cli_data, {"TESTING": True}).test_client()
    api_body = client.get("/api/search?q=人才公寓&per_page=5&region=wangjing").get_json()
    assert cli_body == api_body and cli_body["total"] > 0


def test_search_text_output(cli_data):
    out = run("search", "人才公寓", "--limit", "2", data=cli_data).stdout
    assert "results for" in out and "id " in out


def test_incremental_index_is_a_no_op_when_nothing_changed(cli_data):
    assert "incremental index build: 0 documents written" in run("index", data=cli_data).stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["search", "x", "--region", "mars"], "parameter 'region' must be one of"),
        (["crawl", "/no/such/folder"], "no such file or folder"),
        (["crawl", "--config", "/no/such.yaml"], "cannot read sources file"),
        (["search", "x"], "no search index"),
        (["dump"], "no document store"),
    ],
)
def test_user_errors_are_one_line_without_traceback(tmp_path, args, message):
    proc = run(*args, data=tmp_path / "empty", check=False)
    assert proc.returncode != 0
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_data_from_environment(cli_data):
    proc = run("search", "人才公寓", "--json", env={"POLICY_INDEX_DATA": str(cli_data)})
    assert json.loads(proc.stdout)["total"] > 0


@pytest.mark.slow
def test_serve_builds_from_the_bundled_corpus_on_an_empty_folder(tmp_path):
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [EXE, "serve", "--port", str(port), "--data", str(tmp_path / "fresh")],
            cwd=ROOT,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    health = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.3)
        assert health and health["status"] == "ok" and health["documents"] >= 30, log.read_text()
        url = f"http://127.0.0.1:{port}/api/search?q=%E4%BA%BA%E6%89%8D%E5%85%AC%E5%AF%93"
        with urllib.request.urlopen(url, timeout=10) as r:
            assert json.loads(r.read())["total"] > 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_gunicorn_serves_with_the_production_config(cli_data, tmp_path):
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = {
        **os.environ,
        "POLICY_INDEX_DATA": str(cli_data),
        "POLICY_INDEX_BIND": f"127.0.0.1:{port}",
    }
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py", "search_app.wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/search?q=%E4%BA%BA%E6%89%8D", timeout=2
                ) as r:
                    body = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.3)
        assert body and body["total"] > 0, log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert '"path": "/api/search", "status": 200' in log.read_text()
