"""Field parsers: 发文字号 variants, dates, agencies, titles, language."""

import pytest

from indexer.fields import (
    clean_agency,
    clean_title,
    detect_lang,
    find_doc_number,
    normalize_doc_number,
    parse_date,
    parse_status,
)


@pytest.mark.parametrize(
    "raw",
    [
        "京政发〔2022〕12号",
        "京政发[2022]12号",
        "京政发［2022］12号",
        "京政发【2022】12号",
        "京政发(2022)12号",
        "京政发（2022）12号",
        "京政发 〔2022〕 12 号",
        "京政发〔2022〕第12号",
        "京政发［２０２２］１２号",
        "京政发2022第12号",
        "京政发﹝2022﹞12号",
        "京政发〔2022〕012号",
    ],
)
def test_doc_number_variants_normalize_to_one_form(raw):
    assert normalize_doc_number(raw) == "京政发〔2022〕12号"


@pytest.mark.parametrize("raw", ["", None, "第12号", "2022年12月", "京政发"])
def test_not_a_doc_number(raw):
    assert normalize_doc_number(raw) is None


def test_cited_numbers_are_not_the_documents_own():
    text = (
        "根据《国务院关于优化外国人来华工作许可的通知》（国发〔2019〕3号），结合本市实际，制定本办法。\n"
        "按照京人社发[2020]5号文件要求执行。"
    )
    assert find_doc_number(text) is None
    assert find_doc_number("京人社发［2021］12号\n" + text) == "京人社发〔2021〕12号"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2022-05-10", "2022-05-10"),
        ("2022年5月10日", "2022-05-10"),
        ("2022/05/10 10:30", "2022-05-10"),
        ("2022.5.10", "2022-05-10"),
        ("二〇二二年五月十日", "2022-05-10"),
        ("二〇一九年十二月三十一日", "2019-12-31"),
        ("May 10, 2022", "2022-05-10"),
        ("10 May 2022", "2022-05-10"),
        ("发布时间：２０２２年５月１０日", "2022-05-10"),
        ("2022年2月30日", None),
        ("no date", None),
        (None, None),
    ],
)
def test_dates(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("有效", "in_force"),
        ("现行有效", "in_force"),
        ("失效", "expired"),
        ("已废止", "expired"),
        ("In force", "in_force"),
        ("Expired", "expired"),
        ("", None),
        ("主题分类", None),
    ],
)
def test_status(raw, expected):
    assert parse_status(raw) == expected


@pytest.mark.parametrize(
    "text, expired",
    [
        ("本办法已于2024年12月1日废止。", True),
        ("本办法自2024年12月1日起废止。", True),
        ("本通知自2025年1月1日起停止执行。", True),
        ("本办法自2024年1月1日起施行，《旧办法》同时废止。", False),
        ("本办法自2024年1月1日起施行。", False),
    ],
)
def test_a_repeal_in_any_usual_wording_marks_the_page(text, expired):
    from indexer.patterns import EXPIRED_NOTICE_RE

    assert bool(EXPIRED_NOTICE_RE.search(text)) is expired


def test_agency_cleaning():
    assert (
        clean_agency("北京市人力资源和社会保障局 北京市财政局")
        == "北京市人力资源和社会保障局、北京市财政局"
    )
    assert clean_agency("国家移民管理局、公安部") == "国家移民管理局、公安部"
    assert clean_agency("北京日报") is None
    assert (
        clean_agency("Beijing Municipal Commission of Commerce")
        == "Beijing Municipal Commission of Commerce"
    )


def test_title_suffixes_are_removed():
    assert clean_title("关于印发某办法的通知_国务院部门文件_中国政府网") == "关于印发某办法的通知"
    assert clean_title("人才公寓配租办法 - 北京市朝阳区人民政府") == "人才公寓配租办法"
    # A dash inside a title (a subtitle or a year range) is not a separator.
    assert clean_title("通勤服务方案（2022—2025年）") == "通勤服务方案（2022—2025年）"


def test_language_detection():
    assert detect_lang("外国人来华工作许可") == "zh"
    assert detect_lang("How to apply for a work permit in Beijing") == "en"
    assert detect_lang("Work permit 外国人来华工作许可证办理指南，Category A 高端人才") == "zh"
