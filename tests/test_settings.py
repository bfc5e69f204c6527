"""Settings: declared once, resolved once into a frozen Config, documented in the README as
declared (names, variables, types, defaults)."""

from pathlib import Path

import pytest

from indexer import settings
from search_app import create_app, service

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_settings_table_is_the_declarations():
    """The table between the markers is exactly what `python -m indexer.settings` prints."""
    start, end = "<!-- settings:begin -->\n", "\n<!-- settings:end -->"
    assert start in README and end in README
    table = README.split(start, 1)[1].split(end, 1)[0]
    assert table == settings.markdown_table()
    for s in settings.SETTINGS:  # and every row names its variable, type and default
        row = next(line for line in table.splitlines() if line.startswith(f"| {s.name} |"))
        assert f"`{s.env}`" in row and f"| {s.type_name} |" in row and s.shown_default() in row


def test_environment_then_overrides_then_defaults():
    env = {"POLICY_INDEX_TIMEOUT": "2.5", "POLICY_INDEX_MAX_PAGES": "7"}
    config = settings.resolve({"max_pages": 9}, environ=env)
    assert config.timeout == 2.5 and config.max_pages == 9 and config.max_depth == 6
    assert settings.resolve(environ={}).timeout == 15.0
    with pytest.raises(settings.SettingError, match="POLICY_INDEX_TIMEOUT"):
        settings.resolve(environ={"POLICY_INDEX_TIMEOUT": "soon"})
    with pytest.raises(settings.SettingError, match="no setting named"):
        settings.resolve({"max_pagez": 3})
    with pytest.raises(AttributeError):
        config.max_pagez  # noqa: B018
    assert settings.resolve({"data_dir": "/x"}, environ={}).paths.root == Path("/x")
    assert settings.resolve(environ={}).paths.root == Path("./var")


def test_an_empty_variable_means_the_default_unless_the_setting_says_otherwise():
    # An empty rate limit turns the limit off, as the README says; an empty timeout is the default.
    config = settings.resolve(
        environ={"POLICY_INDEX_API_RATE_LIMIT": "", "POLICY_INDEX_TIMEOUT": ""}
    )
    assert config.api_rate_limit == "" and config.timeout == 15.0


def test_the_app_reads_its_settings_once_and_test_config_overrides_any(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_MAX_QUERY_CHARS", "30")
    app = create_app(tmp_path, {"TESTING": True, "max_per_page": 5, "RESPONSE_CACHE": 0})
    cfg = service(app).config
    assert cfg.max_query_chars == 30 and cfg.max_per_page == 5 and cfg.response_cache == 0
    monkeypatch.setenv("POLICY_INDEX_MAX_QUERY_CHARS", "10")  # read at start, not per request
    assert service(app).config.max_query_chars == 30
    with app.test_request_context():
        spec = app.test_client().get("/api/openapi.json").get_json()
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params["q"]["schema"]["maxLength"] == 30 and params["per_page"]["schema"]["maximum"] == 5
    c = app.test_client()
    assert c.get("/api/search?q=" + "x" * 31).status_code == 400
    assert c.get("/api/search?q=x&per_page=6").status_code in (400, 503)


def test_an_empty_rate_limit_variable_turns_the_limit_off_end_to_end(sample_data, monkeypatch):
    """What the README's settings table says of api_rate_limit, through the environment."""
    from search_app import create_app

    row = next(r for r in README.splitlines() if r.startswith("| api_rate_limit |"))
    assert "empty to turn the limit off" in row
    monkeypatch.setenv("POLICY_INDEX_API_RATE_LIMIT", "")
    c = create_app(sample_data.root, {"TESTING": True, "QUERY_LOG": False}).test_client()
    assert all(c.get("/api/openapi.json").status_code == 200 for _ in range(130))  # default: 120
    monkeypatch.setenv("POLICY_INDEX_API_RATE_LIMIT", "2 per minute")
    c = create_app(sample_data.root, {"TESTING": True, "QUERY_LOG": False}).test_client()
    assert [c.get("/api/openapi.json").status_code for _ in range(3)] == [200, 200, 429]
    monkeypatch.delenv("POLICY_INDEX_API_RATE_LIMIT")  # unset: the default limit
    c = create_app(sample_data.root, {"TESTING": True, "QUERY_LOG": False}).test_client()
    assert [c.get("/api/openapi.json").status_code for _ in range(121)][-1] == 429
