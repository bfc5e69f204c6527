"""The shipped vocabulary (policies/dict): its size, every entry's source, and the shapes that
would make it misfire — a word mapped to itself, one-way mappings that go round in a cycle, a
colloquial key that cuts a longer domain word in two, a Chinese term the documents never use."""

from pathlib import Path

import pytest
import yaml

from search_app import lexicon

DICT = Path(lexicon.DICT_DIR)


def _entries(name: str) -> dict:
    return yaml.safe_load((DICT / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name, least", [("glossary.yaml", 600), ("synonyms.yaml", 300)])
def test_the_vocabulary_is_at_the_scale_of_the_domain(name, least):
    assert len(_entries(name)) >= least


@pytest.mark.parametrize("name", ["glossary.yaml", "synonyms.yaml"])
def test_every_entry_says_where_it_comes_from(name):
    missing = [k for k, v in _entries(name).items() if not lexicon.source_of(v)]
    assert not missing, f"{len(missing)} entries without a source, e.g. {missing[:5]}"


@pytest.mark.parametrize("name", ["glossary.yaml", "synonyms.yaml"])
def test_no_entry_maps_a_word_to_itself_or_to_nothing_by_mistake(name):
    for key, value in _entries(name).items():
        terms = lexicon._entry(value).terms
        assert str(key).strip().lower() not in [t.strip().lower() for t in terms], key
        assert all(t.strip() for t in terms), key
        if name == "glossary.yaml":
            assert terms, f"{key}: a glossary phrase needs the Chinese it stands for"


def test_one_way_synonyms_never_go_round_in_a_cycle():
    """Equivalents are marked both: true; a chain of one-way mappings that comes back to where
    it began would make the ranking depend on which word was typed first."""
    edges: dict[str, set[str]] = {}
    for key, value in _entries("synonyms.yaml").items():
        entry = lexicon._entry(value)
        terms, both = entry.terms, entry.both
        if not both:
            edges.setdefault(str(key), set()).update(terms)
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1:
                raise AssertionError(" -> ".join([*path, node, nxt]))
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for node in list(edges):
        if node not in state:
            visit(node, [])


def test_no_colloquial_key_cuts_a_longer_domain_word():
    """Synonym keys are found as substrings: a key inside a longer word of the jieba user
    dictionary would split that word, unless the longer word is a key itself (a guard)."""
    keys = {str(k) for k in _entries("synonyms.yaml")}
    words = [
        line.split()[0]
        for line in (DICT / "userdict.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    broken = [
        (k, w)
        for w in words
        if w not in keys
        for k in keys
        if len(k) < len(w)
        and k in w
        and not any(g in keys and k in g and g in w for g in keys if len(g) > len(k))  # fmt: skip
    ]
    assert not broken, f"{len(broken)} keys cut a longer word, e.g. {broken[:5]}"


def test_the_shipped_lexicon_loads():
    lex = lexicon.load()
    assert lex.glossary["work permit"][0] == "工作许可"
    assert all(isinstance(t, tuple) for t in lex.synonyms.values())


@pytest.mark.parametrize("name", ["glossary.yaml", "synonyms.yaml"])
def test_no_key_is_written_twice(name):
    """YAML keeps the last of two equal keys without a word: the first entry would be lost."""
    keys = [
        line.split(":", 1)[0].strip().strip('"')
        for line in (DICT / name).read_text(encoding="utf-8").splitlines()
        if line and not line.startswith(("#", " "))
    ]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert not twice, twice
