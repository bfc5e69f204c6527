"""Every setting is documented in the README with its environment variable."""

from pathlib import Path

from indexer import settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme():
    for s in settings.SETTINGS:
        assert f"| {s.name} | `{s.env}` |" in README, s.name


def test_environment_overrides_and_bad_values(monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_TIMEOUT", "2.5")
    assert settings.get("timeout") == 2.5
    monkeypatch.setenv("POLICY_INDEX_TIMEOUT", "soon")
    try:
        settings.get("timeout")
    except settings.SettingError as exc:
        assert "POLICY_INDEX_TIMEOUT" in str(exc)
    else:
        raise AssertionError("a bad value must be refused")
    monkeypatch.delenv("POLICY_INDEX_DATA", raising=False)
    assert settings.data_dir() == Path("./var")
    assert settings.data_dir("/x") == Path("/x")
