"""Interface language with Flask-Babel: a complete Chinese catalogue, no untranslated text in the
templates, compiled catalogues, and the language chosen by ?lang=, cookie, then Accept-Language."""

from __future__ import annotations

import re
import shutil
from gettext import GNUTranslations
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment

from search_app import create_app
from search_app.i18n import TRANSLATIONS, compile_catalogs, stale_catalogs

ROOT = Path(__file__).resolve().parent.parent
PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
TEMPLATES = ROOT / "search_app" / "templates"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
LETTERS = re.compile(r"[A-Za-z]{2,}|[\u4e00-\u9fff]")


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="zh")


def _msgids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_message_has_a_chinese_translation_with_the_same_placeholders():
    catalog = _catalog()
    messages = [m for m in catalog if m.id]
    assert len(messages) > 100
    for m in messages:
        assert not m.fuzzy, f"fuzzy translation: {m.id!r}"
        wanted = set(PLACEHOLDER.findall(_msgids(m)[0]))
        for s in _strings(m):
            assert s.strip(), f"untranslated: {m.id!r}"
            assert set(PLACEHOLDER.findall(s)) == wanted, f"placeholders differ: {m.id!r} -> {s!r}"
            if LETTERS.search(_msgids(m)[0]) and m.id not in ("%(label)s:",):
                assert re.search(r"[\u4e00-\u9fff]", s), f"not Chinese: {m.id!r} -> {s!r}"


def test_the_catalogue_holds_every_message_of_the_code_and_templates():
    """A new _('...') in a template or in Python without a catalogue entry fails here, so the
    Chinese interface never shows an English string because someone forgot `pybabel update`."""
    method_map = [("search_app/**.py", "python"), ("search_app/templates/**.html", "jinja2")]
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None},
    ):
        key = message[0] if isinstance(message, tuple) else message
        found.setdefault(key, filename)
    catalog = _catalog()
    missing = {k: f for k, f in found.items() if k and catalog.get(k) is None}
    assert not missing, f"messages missing from {PO.name} (run pybabel extract/update): {missing}"
    assert len(found) > 100


class _TemplateText(HTMLParser):
    """Text and user-facing attribute values of the literal (non-Jinja) parts of a template."""

    USER_ATTRS = {"title", "placeholder", "aria-label", "alt", "value", "data-done", "data-failed"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []

    def handle_data(self, data):
        self.texts.append(data)

    def handle_starttag(self, tag, attrs):
        self.texts.extend(v for k, v in attrs if k in self.USER_ATTRS and v)


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")), ids=str)
def test_templates_hold_no_literal_user_facing_text(template):
    """Every word a reader sees comes from gettext or from data: the literal parts of a template
    are markup, punctuation and symbols only."""
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    env = Environment()
    literal = "".join(value for _line, kind, value in env.lex(source) if kind == "data")
    parser = _TemplateText()
    parser.feed(literal)
    words = [t.strip() for t in parser.texts if LETTERS.search(t)]
    assert not words, f"{template} has literal text: {words}"


class _VisibleText(HTMLParser):
    """Text nodes and user-facing attributes of a rendered page in the page's own language: scripts,
    styles and elements marked with another lang= (the language switch, English titles) left out."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }
    ATTRS = {
        "title",
        "placeholder",
        "aria-label",
        "alt",
        "data-one",
        "data-many",
        "data-done",
        "data-failed",
    }

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self._lang = lang

    def _skipped(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        skipped = (
            self._skipped()
            or tag in ("script", "style")
            or ("lang" in a and not (a["lang"] or "").startswith(self._lang))
        )
        if not skipped:
            self.nodes.extend(
                (v or "").strip() for k, v in attrs if k in self.ATTRS or k.startswith("data-kind")
            )
        if tag not in self.VOID:
            self._stack.append((tag, skipped))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._skipped() and data.strip():
            self.nodes.append(data.strip())


def _english_labels() -> set[str]:
    """The English source strings as they would appear on a page (placeholders stripped)."""
    out = set()
    for m in _catalog():
        for msgid in _msgids(m) if m.id else ():
            text = PLACEHOLDER.sub("", msgid).strip(" :,.")
            if re.search(r"[A-Za-z]{3,}", text):
                out.add(text)
    return out


def _pages(client) -> list[str]:
    first = client.get("/api/search?q=人才公寓").get_json()["results"][0]["id"]
    expired = client.get("/api/search?q=&status=expired").get_json()["results"][0]["id"]
    english = client.get("/api/search?q=talent&lang=en").get_json()["results"][0]["id"]
    return [
        "/",
        "/search?q=人才公寓",
        "/search?q=",
        "/search?q=xyzzyplugh",
        "/search?q=xyzzyplugh&region=huairou",
        "/packages/wangjing",
        "/packages/huairou/livable",
        f"/policies/{first}?q=人才公寓",
        f"/policies/{expired}",
        f"/policies/{english}",
        f"/sheet?id={first}&id={expired}&id={english}",
        "/sheet",
        "/for-me",
        "/for-me?region=huairou&who=foreign-talent,foreign-family&needs=school,housing,green"
        "&children=2&spouse=1",
        "/policies/nope",
        "/search?page=abc",
    ]


def test_chinese_pages_show_no_english_interface_text(client):
    labels = _english_labels()
    assert {"Search", "Document No", "Add to answer sheet"} <= labels
    for url in _pages(client):
        sep = "&" if "?" in url else "?"
        html = client.get(f"{url}{sep}lang=zh").get_data(as_text=True)
        parser = _VisibleText("zh")
        parser.feed(html)
        leaked = [n for n in parser.nodes if n.strip(" :,.（）()") in labels]
        assert not leaked, f"{url}: English interface text on a Chinese page: {leaked}"


def test_english_pages_use_the_english_source_strings(client):
    for url in _pages(client):
        sep = "&" if "?" in url else "?"
        html = client.get(f"{url}{sep}lang=en").get_data(as_text=True)
        assert "Skip to main content" in html and "跳到主要内容" not in html
        assert "高品质人才社区政策索引" not in html, url


def test_locale_selector_order(sample_app):
    c = sample_app.test_client()
    assert "搜索政策" in c.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(
        as_text=True
    )
    assert "Search policies" in c.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(
        as_text=True
    )
    # ?lang= wins over the browser and is remembered; an unknown lang= is ignored.
    assert "Search policies" in c.get("/?lang=en", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    assert "Search policies" in c.get("/search?q=", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    assert "Search policies" in c.get("/?lang=fr", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    # An API call never changes the remembered choice.
    c.get("/api/search?q=x&lang=zh")
    assert "Search policies" in c.get("/", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )


def test_plural_forms(client):
    one = client.get("/search?q=京技管办发〔2019〕46号&lang=en").get_data(as_text=True)
    assert re.search(r"\b1 policy found\b", one)
    assert re.search(
        r"共找到 \d+ 条政策", client.get("/search?q=人才公寓&lang=zh").get_data(as_text=True)
    )


def test_compile_catalogs_writes_a_working_mo(tmp_path):
    root = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, root, ignore=shutil.ignore_patterns("*.mo"))
    assert stale_catalogs(root) == [root / "zh/LC_MESSAGES/messages.po"]
    [mo] = compile_catalogs(root)
    assert stale_catalogs(root) == []
    with mo.open("rb") as f:
        zh = GNUTranslations(f)
    assert zh.gettext("Search") == "搜索"
    assert (
        zh.ngettext("%(num)s policy found", "%(num)s policies found", 3) == "共找到 %(num)s 条政策"
    )
    assert compile_catalogs(root) == []  # nothing stale: nothing written


def test_an_app_without_compiled_catalogues_compiles_them(tmp_path, sample_data):
    """A checkout that was not bootstrapped still serves Chinese: the app compiles
    what is missing."""
    root = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, root, ignore=shutil.ignore_patterns("*.mo"))
    app = create_app(
        sample_data.root,
        {"TESTING": True, "API_RATE_LIMIT": "", "BABEL_TRANSLATION_DIRECTORIES": str(root)},
    )
    assert (root / "zh/LC_MESSAGES/messages.mo").exists()
    assert "搜索政策" in app.test_client().get("/?lang=zh").get_data(as_text=True)


def test_bootstrap_compiles_the_catalogues_and_git_ignores_them():
    script = (ROOT / "scripts/bootstrap.sh").read_text()
    assert "pybabel compile -d search_app/translations" in script
    assert "*.mo" in (ROOT / ".gitignore").read_text().split()
    assert "Flask-Babel" in (ROOT / "setup.cfg").read_text()
