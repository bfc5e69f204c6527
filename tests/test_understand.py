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


@pytest.mark.parametrize(
    "q, intent, kind",
    [
        ("人才公寓申请材料", "materials", "guide"),
        ("外国人永久居留 去哪里办", "where", "guide"),
        ("工作许可多久能批下来", "how long", "guide"),
        ("谁可以申请人才公寓", "who qualifies", "policy"),
        ("what documents do I need for a residence permit", "materials", "guide"),
        ("人才公寓", None, None),
    ],
)
def test_a_question_says_what_it_asks_for(tax, q, intent, kind):
    u = understand(q, tax)
    assert (u.intent, u.wants_kind) == (intent, kind)


def test_what_a_desk_question_says_about_the_asker_is_not_searched(tax):
    u = understand("一位韩国籍工程师下个月入职亦庄，他的配偶8岁的孩子想上学", tax)
    typed = [c.typed for c in u.concepts]
    assert "配偶" in typed and "孩子" in typed or "上学" in typed
    assert not {"韩国", "籍", "下个月", "8岁"} & set(typed)
    assert {"一位韩国籍", "下个月", "8岁"} <= set(u.dropped)
    # 外籍, 户籍 and 国籍 are words of the domain, not the asker's nationality
    assert {"外籍人才", "户籍"} <= {c.typed for c in understand("外籍人才 户籍", tax).concepts}


def test_a_community_named_by_a_longer_local_name_is_that_community(tax):
    assert understand("首钢园 班车", tax).regions == ["new-shougang"]


def test_an_english_query_ranks_the_chinese_policy_beside_its_english_page(client):
    """Both rank: an English page's Chinese original follows it closely (language_pair)."""
    checked = 0
    for q in ("talent apartment", "driving licence exchange", "kids school"):
        results = client.get("/api/search", query_string={"q": q, "per_page": 10}).get_json()[
            "results"
        ]
        ids = [r["id"] for r in results]
        for rank, r in enumerate(results[:3]):
            original = r["links"].get("original")
            if r["lang"] == "en" and original and original.get("id"):
                assert original["id"] in ids[: rank + 4], (q, r["title"])
                checked += 1
    assert checked >= 2


def test_a_place_named_without_its_suffix_or_by_its_short_form_is_its_community(tax):
    """People say 天竺 for 天竺镇 and 天竺综保区 for 天竺综合保税区; both are in Shunyi."""
    assert understand("天竺综保区的企业 人才公寓", tax).regions == ["shunyi"]
    assert understand("天竺 人才公寓", tax).regions == ["shunyi"]
    assert understand("人才公寓 申请", tax).regions == []


def test_spoken_question_words_weigh_as_little_as_written_ones(tax):
    """咋 is 怎么 and 啥 is 什么 in speech: both are dropped as question words, and 娃 is a
    child (so 娃上学 finds what 孩子上学 finds)."""
    u = understand("签证咋续", tax)
    assert "怎么" in u.dropped and "咋续" not in [c.typed for c in u.concepts]
    assert understand("娃上学咋办", tax).concepts == understand("孩子上学怎么办", tax).concepts


def test_hong_kong_and_taiwan_words_find_the_mainland_terms(tax):
    """A reader from Taiwan or Hong Kong types 健保 and 租屋 (in traditional characters); the
    documents say 医保 and 租房."""
    assert "医保" in understand("健保 看診", tax).concepts[0].expansions
    assert "租房" in understand("租屋補貼", tax).concepts[0].expansions


def test_people_from_other_provinces_by_their_everyday_names(tax):
    """外地人 and 非京籍 are what the documents call 来京人员 and 非本市户籍."""
    assert "来京人员" in understand("外地人 孩子上学", tax).concepts[0].expansions
    assert "非本市户籍" in understand("非京籍", tax).concepts[0].expansions
