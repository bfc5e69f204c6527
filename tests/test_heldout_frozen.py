"""The held-out sets are frozen: every file is as it was written, none added, none removed."""

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETS = [
    ROOT / "tests" / "heldout",
    ROOT / "tests" / "heldout2",
    ROOT / "policies" / "eval" / "heldout",
]


@pytest.mark.parametrize("base", SETS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_heldout_set_is_unchanged(base):
    listed = {}
    for line in (base / "MANIFEST.sha256").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    present = {
        p.relative_to(base).as_posix()
        for p in base.rglob("*")
        if p.is_file() and p.name not in ("MANIFEST.sha256", "README.md")
    }
    assert present == set(listed), "files added to or removed from a frozen held-out set"
    for name, digest in listed.items():
        assert hashlib.sha256((base / name).read_bytes()).hexdigest() == digest, name
