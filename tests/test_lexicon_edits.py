"""Operators' vocabulary edits without Flask: the rules a proposed edit must pass, the append-only
log in a data folder and the lexicon it makes merged over shipped YAML files (written here in both
forms an entry may take: {terms, source} and a bare list)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from search_app import lexicon
from search_app.lexicon_edits import LexiconEdits
from search_app.lexicon_rules import check, cut_words
from search_app.understand import understand

SYNONYMS = """
租房: {terms: [租赁住房, 人才公寓], source: "everyday word for renting"}
公寓: {terms: [人才公寓], source: "short everyday word"}
人才公寓: {terms: [], source: "guard: keeps 人才公寓 whole against 公寓"}
人才签证: {terms: [R字签证], both: true, source: "corpus: 人才签证（R字签证）"}
办事: [办理]
"""
GLOSSARY = """
work permit: [工作许可, 工作许可证]
rent: {terms: [租赁住房], source: "plain English for renting"}
"""
USERDICT = "人才公寓 2000 n\n共有产权住房 1000 n\n停车位 800 n\n"


@pytest.fixture()
def dict_dir(tmp_path):
    d = tmp_path / "dict"
    d.mkdir()
    (d / "synonyms.yaml").write_text(SYNONYMS, encoding="utf-8")
    (d / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    (d / "userdict.txt").write_text(USERDICT, encoding="utf-8")
    return str(d)


@pytest.fixture()
def edits(tmp_path, dict_dir):
    e = LexiconEdits(tmp_path / "data" / "lexicon.sqlite3", dict_dir)
    (tmp_path / "data").mkdir()
    yield e
    e.close()


def propose(edits, kind, key, terms="", why="a reason", remove=False, **kw):
    vocab = edits.vocabulary()
    words = lexicon.dictionary_words(edits.dict_dir)
    return check(kind, key, terms, False, why, None, vocab, remove=remove, dictionary=words, **kw)


def codes(result) -> list[str]:
    return [p.code for p in result[1]]


# ---- the shipped files in both forms ----------------------------------------------------------


def test_the_shipped_files_are_read_in_both_forms_with_their_sources(dict_dir):
    v = lexicon.shipped(dict_dir)
    assert v.synonyms["租房"].terms == ("租赁住房", "人才公寓")
    assert v.synonyms["租房"].source == "everyday word for renting"
    assert v.synonyms["办事"].terms == ("办理",) and v.synonyms["办事"].source is None
    assert v.glossary["work permit"].terms == ("工作许可", "工作许可证")
    assert v.glossary["rent"].source == "plain English for renting"
    lex = lexicon.build(v)
    assert lex.synonyms["R字签证"] == ("人才签证",)  # both: true leads back
    assert lexicon.dictionary_words(dict_dir) == {"人才公寓", "共有产权住房", "停车位"}


# ---- the rules ----------------------------------------------------------------------------------


def test_a_good_synonym_is_a_proposal_to_add(edits):
    p, problems = propose(edits, "synonym", " 落 脚房 ", "人才公寓、租赁住房")
    assert problems == []
    assert (p.kind, p.key, p.action) == ("synonym", "落脚房", "add")
    assert p.terms == ("人才公寓", "租赁住房")


@pytest.mark.parametrize(
    ("kind", "key", "terms", "why", "code"),
    [
        ("noun", "落脚房", "人才公寓", "x", "kind_unknown"),
        ("synonym", "   ", "人才公寓", "x", "key_empty"),
        ("synonym", "落" * 61, "人才公寓", "x", "key_too_long"),
        ("synonym", "flat", "人才公寓", "x", "key_not_chinese"),
        ("glossary", "公寓", "人才公寓", "x", "key_not_latin"),
        ("synonym", "落脚房", "", "x", "terms_empty"),
        ("synonym", "落脚房", "落脚房", "x", "term_is_key"),
        ("glossary", "flat", "Flat", "x", "term_is_key"),
        ("glossary", "flat", "apartment", "x", "term_not_chinese"),
        ("synonym", "落脚房", ",".join(f"词{i}" for i in range(13)), "x", "too_many_terms"),
        ("synonym", "落脚房", "长" * 41, "x", "term_too_long"),
        ("synonym", "落脚房", "人才公寓", "   ", "why_empty"),
        ("synonym", "落脚房", "人才公寓", "y" * 501, "why_too_long"),
        ("synonym", "公寓", "人才公寓", "x", "unchanged"),
    ],
)
def test_a_bad_edit_is_refused_with_the_reason(edits, kind, key, terms, why, code):
    proposal, problems = propose(edits, kind, key, terms, why)
    assert proposal is None
    assert code in [p.code for p in problems]


def test_removing_an_entry_that_is_not_there_is_refused(edits):
    assert codes(propose(edits, "synonym", "没有这个词", remove=True)) == ["not_found"]
    p, _ = propose(edits, "synonym", "办事", remove=True)
    assert (p.action, p.terms) == ("remove", ())


def test_a_one_way_entry_that_leads_back_to_itself_is_refused(edits):
    # 租房 -> 人才公寓 already; 人才公寓 -> 租房 would make a loop
    assert codes(propose(edits, "synonym", "人才公寓", "租房")) == ["cycle"]
    # the same words marked both ways are one two-way entry: allowed
    vocab = edits.vocabulary()
    p, problems = check("synonym", "人才公寓", "租房", True, "x", None, vocab)
    assert problems == [] and p.both


def test_a_new_key_that_cuts_a_longer_word_is_refused_unless_the_operator_saves_anyway(edits):
    vocab = edits.vocabulary()
    words = lexicon.dictionary_words(edits.dict_dir)
    # 产权 is inside 共有产权住房 (user dictionary): a plain substring match would cut it
    assert cut_words("产权", vocab, words) == ["共有产权住房"]
    p, problems = propose(edits, "synonym", "产权", "共有产权住房")
    assert p is None and [x.code for x in problems] == ["key_cuts_words"]
    assert problems[0].values["words"] == "共有产权住房"
    p, problems = propose(edits, "synonym", "产权", "共有产权住房", allow_cut=True)
    assert problems == [] and p.action == "add"
    # 人才 is inside 人才公寓, but the key 人才公寓 is matched first and keeps it whole
    assert cut_words("人才", vocab, words) == []
    # an existing key is not new: editing 公寓 is not refused for what it already cuts
    assert propose(edits, "synonym", "公寓", "人才公寓、科学家公寓")[1] == []


# ---- the log and the lexicon it makes -------------------------------------------------------


def test_no_file_until_the_first_edit_and_the_shipped_lexicon_meanwhile(edits, dict_dir):
    assert edits.version() == 0 and not edits.path.exists()
    assert edits.lexicon() is lexicon.load(dict_dir)
    assert edits.recent() == [] and edits.find(edited_only=True) == []


def test_add_edit_remove_are_kept_with_who_when_why_and_change_the_lexicon(edits, dict_dir):
    p, _ = propose(edits, "synonym", "落脚房", "人才公寓", why="12345 calls say 落脚房")
    e1 = edits.append(p, "ops", when=1_700_000_000.0)
    assert (e1.action, e1.who, e1.why, e1.at) == ("add", "ops", "12345 calls say 落脚房", 1.7e9)
    assert edits.lexicon().synonyms["落脚房"] == ("人才公寓",)
    assert edits.version() == e1.id

    p, _ = propose(edits, "synonym", "落脚房", "人才公寓、租赁住房", why="renters too")
    e2 = edits.append(p, "anna")
    assert e2.action == "edit" and edits.lexicon().synonyms["落脚房"] == ("人才公寓", "租赁住房")

    p, _ = propose(edits, "synonym", "落脚房", remove=True, why="misleading")
    e3 = edits.append(p, "ops")
    assert e3.action == "remove" and "落脚房" not in edits.lexicon().synonyms
    assert [(e.action, e.who) for e in edits.history("synonym", "落脚房")] == [
        ("remove", "ops"),
        ("edit", "anna"),
        ("add", "ops"),
    ]
    assert [f.state for f in edits.find("落脚房")] == ["removed"]


def test_an_edit_overrides_a_shipped_entry_and_a_remove_hides_it(edits, dict_dir):
    p, _ = propose(edits, "glossary", "Work  Permit", "工作许可证")
    assert p.key == "work permit" and p.action == "edit"
    edits.append(p, "ops")
    assert edits.lexicon().glossary["work permit"] == ("工作许可证",)
    [found] = edits.find("work permit")
    assert found.state == "changed" and found.shipped.terms == ("工作许可", "工作许可证")
    p, _ = propose(edits, "synonym", "租房", remove=True)
    edits.append(p, "ops")
    lex = edits.lexicon()
    assert "租房" not in lex.synonyms
    assert understand("租房", None, lex).explain()["concepts"][0]["expansions"] == []
    assert lexicon.shipped(dict_dir).synonyms["租房"].terms == ("租赁住房", "人才公寓")
    assert "租房" in lexicon.load(dict_dir).synonyms  # the shipped lexicon is untouched


def test_a_second_reader_of_the_same_file_sees_an_edit_at_its_next_read(edits, tmp_path, dict_dir):
    other = LexiconEdits(edits.path, dict_dir)  # another worker process's view of the folder
    before = other.lexicon()
    assert other.lexicon() is before  # unchanged log: the same compiled lexicon
    p, _ = propose(edits, "synonym", "落脚房", "人才公寓")
    edits.append(p, "ops")
    assert other.lexicon() is not before and other.lexicon().synonyms["落脚房"] == ("人才公寓",)
    other.close()
    restarted = LexiconEdits(edits.path, dict_dir)
    assert restarted.lexicon().synonyms["落脚房"] == ("人才公寓",)
    restarted.close()


def test_two_operators_adding_the_same_key_are_recorded_as_add_then_edit(edits, dict_dir):
    other = LexiconEdits(edits.path, dict_dir)
    p1, _ = propose(edits, "synonym", "落脚房", "人才公寓")
    p2, _ = propose(other, "synonym", "落脚房", "租赁住房")
    assert p1.action == p2.action == "add"  # both checked before either saved
    assert edits.append(p1, "ops").action == "add"
    assert other.append(p2, "anna").action == "edit"
    other.close()


def test_the_log_is_append_only_and_a_proposal_stores_nothing(edits):
    p, _ = propose(edits, "synonym", "落脚房", "人才公寓")
    assert edits.proposed(p).synonyms["落脚房"] == ("人才公寓",)
    assert edits.version() == 0 and "落脚房" not in edits.lexicon().synonyms
    edits.append(p, "ops")
    db = sqlite3.connect(str(edits.path))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE edits SET who = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM edits")
    db.close()


def test_without_the_file_the_shipped_lexicon_is_back(edits, dict_dir):
    p, _ = propose(edits, "synonym", "租房", remove=True)
    edits.append(p, "ops")
    assert "租房" not in edits.lexicon().synonyms
    edits.close()
    for f in edits.path.parent.glob("lexicon.sqlite3*"):
        f.unlink()
    fresh = LexiconEdits(edits.path, dict_dir)
    assert fresh.lexicon().synonyms["租房"] == ("租赁住房", "人才公寓")
    fresh.close()


def test_an_unreadable_log_never_fails_a_search(tmp_path, dict_dir, caplog):
    bad = tmp_path / "lexicon.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    e = LexiconEdits(bad, dict_dir)
    assert e.lexicon().synonyms["租房"] == ("租赁住房", "人才公寓")
    assert "lexicon edits unreadable" in caplog.text


# ---- export into the shipped files ----------------------------------------------------------


def test_the_export_is_lines_of_the_shipped_form_that_give_the_same_vocabulary(edits, tmp_path):
    for kind, key, terms, remove in [
        ("synonym", "落脚房", "人才公寓、租赁住房", False),
        ("synonym", "租房", "", True),
        ("synonym", "公寓", "人才公寓、科学家公寓", False),
        ("glossary", "digs", "人才公寓", False),
    ]:
        p, problems = propose(edits, kind, key, terms, why='renters say "digs"', remove=remove)
        assert problems == []
        edits.append(p, "ops", when=1_700_000_000.0)
    synonyms = edits.export("synonym")
    assert (
        '"落脚房": {terms: ["人才公寓", "租赁住房"], source: "operator ops, 2023-11-1' in synonyms
    )
    assert '# removed "租房" (operator ops' in synonyms
    assert '"digs":' not in synonyms and '"digs": {terms: ["人才公寓"]' in edits.export("glossary")
    # the lines pasted over the shipped file: the shipped vocabulary is what the edits made
    out = tmp_path / "exported"
    out.mkdir()
    shipped = lexicon.shipped(edits.dict_dir)
    kept = (
        "".join(
            f"{k}: {{terms: [{', '.join(e.terms)}]}}\n"
            for k, e in shipped.synonyms.items()
            if k not in ("租房", "公寓", "人才签证")
        )
        + "人才签证: {terms: [R字签证], both: true}\n"
    )
    (out / "synonyms.yaml").write_text(kept + synonyms, encoding="utf-8")
    (out / "glossary.yaml").write_text(GLOSSARY + edits.export("glossary"), encoding="utf-8")
    exported, effective = lexicon.build(lexicon.shipped(str(out))), edits.lexicon()
    for part in ("glossary", "synonyms", "english"):
        assert getattr(exported, part) == getattr(effective, part)
    assert lexicon.shipped(str(out)).synonyms["落脚房"].source.endswith('renters say "digs"')


def test_the_export_command_prints_the_edits_of_a_data_folder(edits):
    p, _ = propose(edits, "synonym", "落脚房", "人才公寓")
    edits.append(p, "ops")
    exe = Path(sys.executable).parent / "policy-index"
    data = str(edits.path.parent)
    run = subprocess.run([exe, "vocabulary-export", "--data", data], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith('"落脚房": {terms: ["人才公寓"], source:')
    run = subprocess.run(
        [exe, "vocabulary-export", "--kind", "glossary", "--data", data], capture_output=True
    )
    assert run.returncode == 0 and run.stdout == b""
