"""Query understanding on the real lexicon and taxonomy, and what each rule does to the ranking."""

import pytest

from search_app.understand import ASPECT_WORDS, build_queries, compound_parts, understand


@pytest.mark.parametrize(
    "q, number",
    [
        ("京人社发[2021]12号", "京人社发〔2021〕12号"),
        ("京人社发（2021）第12号", "京人社发〔2021〕12号"),
        ("怀政办发2024年11号", "怀政办发〔2024〕11号"),
        ("2024年11月", None),
        ("人才公寓", None),
    ],
)
def test_document_numbers_in_the_forms_people_type(q, number):
    assert understand(q).doc_number == number


@pytest.mark.parametrize(
    "q, phrase", [("R签证 申请条件", "r visa"), ("Z字签证", "z visa"), ("办R签", "r visa")]
)
def test_a_visa_named_by_its_letter_is_the_glossary_phrase(q, phrase):
    concepts = understand(q).concepts
    assert concepts[0].typed == phrase and concepts[0].source == "glossary"


def test_category_a_is_not_read_as_a_visa_letter():
    assert [c.typed for c in understand("Category A 签证").concepts][:1] == ["category a"]


def test_aspect_words_only_boost_when_a_topic_is_named(tax):
    u = understand("R签证 申请条件", tax)
    assert {"申请", "条件"} <= ASPECT_WORDS
    strict, _ = build_queries(u)
    required = (
        repr(strict.a) if hasattr(strict, "a") else repr(strict)
    )  # AndMaybe(required, boosts)
    assert "申请" not in required and "visa" in required
    alone, _ = build_queries(understand("申请", tax))
    assert "申请" in repr(alone)


def test_compound_parts_split_a_dictionary_word():
    assert compound_parts("子女入学") == ["子女", "入学"]
    assert compound_parts("入学") == [] and compound_parts("work") == []


def test_concepts_carry_english_names_from_the_glossary(tax):
    zh = understand("孩子上学", tax).concepts[0]
    assert zh.english and all(k.isascii() for k in zh.english)
    en = understand("kids school", tax).concepts[0]
    assert "kids school" not in en.english and en.english


def test_chinese_query_finds_the_english_translation(client):
    body = client.get("/api/search", query_string={"q": "子女入学", "per_page": 20}).get_json()
    assert any(r["lang"] == "en" for r in body["results"])
    # ... but Chinese documents come first for a Chinese query
    assert body["results"][0]["lang"] == "zh"


def test_english_query_puts_english_documents_near_the_top(client):
    body = client.get(
        "/api/search", query_string={"q": "kids school", "per_page": 5, "explain": 1}
    ).get_json()
    english = [r for r in body["results"] if r["lang"] == "en"]
    assert (
        english
        and "document in the reader's language: score multiplied by"
        in english[0]["explain"]["boosts"]
    )


def test_naming_beijing_does_not_bury_national_policies(client):
    """北京 in a question is the service's own context: a light boost, not the community boost."""
    body = client.get(
        "/api/search", query_string={"q": "北京 外籍 银行账户", "per_page": 4}
    ).get_json()
    # the central bank's notices on bank accounts stay beside Beijing's payment measures
    assert sum(r["regions"] == ["national"] for r in body["results"]) >= 2
