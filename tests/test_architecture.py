"""The import rules docs/ARCHITECTURE.md states, checked against the code's own imports."""

import ast
import re
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
PROJECT = ("indexer", "search_app", "devtools")
MODULES = sorted(
    p.relative_to(ROOT).as_posix()
    for pkg in ("indexer", "search_app")
    for p in (ROOT / pkg).glob("*.py")
)


def imports(path: str) -> list[str]:
    """Every module a file imports, relative imports resolved against its package."""
    package = path.split("/")[0]
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package + (f".{node.module}" if node.module else "")
                out.extend([base] if node.module else [f"{package}.{a.name}" for a in node.names])
            elif node.module:
                out.append(node.module)
    return out


def rules() -> list[tuple[str, list[str], str]]:
    """(glob, forbidden, allowed project imports) from the table under "Import rules"."""
    table = DOC.split("## Import rules", 1)[1]
    out = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        glob = cells[0].strip("`")
        forbidden = ["stdlib"] if cells[1] == "stdlib" else re.findall(r"`([^`]+)`", cells[1])
        out.append((glob, forbidden, cells[2]))
    return out


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_table_is_read():
    assert len(rules()) >= 15


@pytest.mark.parametrize(("glob", "forbidden", "allowed"), rules(), ids=lambda v: str(v)[:40])
def test_import_rule(glob, forbidden, allowed):
    checked = [m for m in MODULES if fnmatch(m, glob)]
    assert checked, f"no module matches {glob}"
    for module in checked:
        for name in imports(module):
            top = name.split(".")[0]
            project = top in PROJECT
            if "stdlib" in forbidden and not project:
                assert top in sys.stdlib_module_names or top == "__future__", (module, name)
            for f in forbidden:
                assert not _matches(name, f), f"{module} imports {name}"
            if project and allowed != "any":
                allowed_names = re.findall(r"`([^`]+)`", allowed) if allowed != "none" else []
                assert any(_matches(name, a) for a in allowed_names), f"{module} imports {name}"


def test_only_fetch_touches_the_network():
    for module in MODULES:
        if module != "indexer/fetch.py":
            assert not any(
                _matches(n, "httpcore") or _matches(n, "httpx") for n in imports(module)
            ), module


def test_only_render_drives_a_browser_and_only_when_asked():
    for module in MODULES:
        names = imports(module)
        if module != "indexer/render.py":
            assert not any(_matches(n, "playwright") for n in names), module
    tree = ast.parse((ROOT / "indexer/render.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not any("playwright" in ast.dump(n) for n in top)  # imported where a render runs


def test_only_the_compat_module_reaches_into_whoosh():
    private = re.compile(r"\._(perdoc|terms|postfile|startoffset|dbfile|basepos|count|field_B)\b")
    for module in MODULES:
        if module == "indexer/whoosh_compat.py":
            continue
        names = imports(module)
        assert not any(
            n.startswith(("whoosh.codec", "whoosh.system", "whoosh.writing")) for n in names
        ), module
        assert not private.search((ROOT / module).read_text(encoding="utf-8")), module


def test_nothing_installed_imports_the_tools():
    for module in MODULES:
        assert not any(_matches(n, "devtools") for n in imports(module)), module


def test_no_module_is_long():
    for module in MODULES:
        lines = len((ROOT / module).read_text(encoding="utf-8").splitlines())
        assert lines <= 450, f"{module} has {lines} lines: split it by what it does"
