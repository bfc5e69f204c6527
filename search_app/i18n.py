"""Interface language: ?lang=, then the remembered choice, then Accept-Language; zh and en labels."""

from __future__ import annotations

from flask import Flask, g, request

LANGUAGES = ("zh", "en")
COOKIE = "ui_lang"

MESSAGES: dict[str, dict[str, str]] = {
    "site_name": {"zh": "高品质人才社区政策索引", "en": "Talent Community Policy Index"},
    "tagline": {"zh": "北京国际人才社区政策一站查询，按社区和生活场景整合政策服务包",
                "en": "Find the Beijing policies that matter to international talent, "
                      "bundled by community and by scene of daily life"},
    "search": {"zh": "搜索", "en": "Search"},
    "search_label": {"zh": "搜索政策", "en": "Search policies"},
    "search_placeholder": {"zh": "例如：人才公寓 申请、子女入学、工作许可", "en": "e.g. talent apartment, kids school, work permit"},
    "communities": {"zh": "八大人才社区", "en": "The eight talent communities"},
    "scenes": {"zh": "九大生活场景", "en": "Nine scenes of community life"},
    "results_count": {"zh": "共找到 {n} 条政策", "en": "{n} policies found"},
    "no_results": {"zh": "没有找到相关政策。", "en": "No policies found."},
    "no_results_help": {"zh": "可以换个说法、减少关键词，或拨打 12345 市民服务热线咨询。",
                        "en": "Try other words or fewer of them, or call the 12345 citizen hotline."},
    "did_you_mean": {"zh": "您是不是要找", "en": "Did you mean"},
    "packages": {"zh": "相关政策服务包", "en": "Related policy packages"},
    "package": {"zh": "政策服务包", "en": "Policy package"},
    "filters": {"zh": "筛选", "en": "Filters"},
    "facet_region": {"zh": "社区/层级", "en": "Community / level"},
    "facet_scenario": {"zh": "生活场景", "en": "Scene"},
    "facet_agency": {"zh": "发文机关", "en": "Issuing agency"},
    "facet_year": {"zh": "发布年份", "en": "Year"},
    "facet_status": {"zh": "有效性", "en": "Status"},
    "facet_lang": {"zh": "语言", "en": "Language"},
    "clear_filter": {"zh": "取消筛选", "en": "Remove filter"},
    "sort_relevance": {"zh": "按相关度", "en": "By relevance"},
    "sort_date": {"zh": "按发布日期", "en": "By date"},
    "sort": {"zh": "排序", "en": "Sort"},
    "prev": {"zh": "上一页", "en": "Previous"},
    "next": {"zh": "下一页", "en": "Next"},
    "page_of": {"zh": "第 {page} / {pages} 页", "en": "Page {page} of {pages}"},
    "status_in_force": {"zh": "现行有效", "en": "In force"},
    "status_expired": {"zh": "已失效", "en": "Expired"},
    "status_unknown": {"zh": "未标注", "en": "Status not stated"},
    "kind_policy": {"zh": "政策文件", "en": "Policy"},
    "kind_interpretation": {"zh": "政策解读", "en": "Interpretation"},
    "kind_guide": {"zh": "办事指南", "en": "Service guide"},
    "kind_translation": {"zh": "英文译文", "en": "English translation"},
    "lang_zh": {"zh": "中文", "en": "Chinese"},
    "lang_en": {"zh": "英文", "en": "English"},
    "sample": {"zh": "样例", "en": "Sample"},
    "sample_note": {"zh": "本文件为演示用样例，内容由本项目撰写，并非官方发布文件。",
                    "en": "This is a sample document written for this demo; it is not an official release."},
    "title": {"zh": "标题", "en": "Title"},
    "doc_number": {"zh": "发文字号", "en": "Document No."},
    "agency": {"zh": "发文机关", "en": "Issuing agency"},
    "written_date": {"zh": "成文日期", "en": "Date written"},
    "publish_date": {"zh": "发布日期", "en": "Date published"},
    "status": {"zh": "有效性", "en": "Status"},
    "regions": {"zh": "适用社区", "en": "Communities"},
    "scenarios": {"zh": "生活场景", "en": "Scenes"},
    "source_link": {"zh": "查看原文", "en": "Official source"},
    "sample_source_link": {"zh": "查看样例原页面", "en": "View the sample page as crawled"},
    "related": {"zh": "相关文件", "en": "Related documents"},
    "rel_policy": {"zh": "政策原文", "en": "Policy text"},
    "rel_original": {"zh": "中文原文", "en": "Chinese original"},
    "rel_replaced_by": {"zh": "现行替代文件", "en": "Replaced by"},
    "rel_interpretation": {"zh": "政策解读", "en": "Interpretation"},
    "rel_guide": {"zh": "办事指南", "en": "Service guide"},
    "rel_translation": {"zh": "英文版", "en": "English version"},
    "full_text": {"zh": "正文", "en": "Full text"},
    "attachments": {"zh": "附件", "en": "Attachments"},
    "attachment_indexed": {"zh": "已提取全文 {n} 字，可检索", "en": "{n} characters of text, searchable"},
    "attachment_unread": {"zh": "未能读取，请点击下载查看", "en": "Could not be read; open the file to view it"},
    "policies_in_package": {"zh": "本服务包现行政策（{n} 件）", "en": "Policies in force in this package ({n})"},
    "empty_package": {"zh": "本服务包暂无政策。", "en": "This package has no policies yet."},
    "community_scenes": {"zh": "{name}·九大场景政策服务包", "en": "{name}: policy packages for nine scenes"},
    "home": {"zh": "首页", "en": "Home"},
    "community_facts": {"zh": "社区服务资源", "en": "Services in this community"},
    "facts_service_stations": {"zh": "外籍人才服务站", "en": "Service stations for international talent"},
    "facts_talent_apartments": {"zh": "人才公寓", "en": "Talent apartments"},
    "facts_international_schools": {"zh": "国际学校", "en": "International schools"},
    "facts_hospitals": {"zh": "医院与国际医疗", "en": "Hospitals and international medical care"},
    "hours": {"zh": "办公时间", "en": "Hours"},
    "phone": {"zh": "电话", "en": "Phone"},
    "language": {"zh": "语言", "en": "Language"},
    "switch_lang": {"zh": "English", "en": "中文"},
    "error": {"zh": "出错了", "en": "Something went wrong"},
    "back_home": {"zh": "返回首页", "en": "Back to the home page"},
    "n_policies": {"zh": "{n} 件", "en": "{n} policies"},
    "all": {"zh": "全部", "en": "All"},
    "footer": {"zh": "政策以发文机关公布的正式文本为准。咨询请拨打 12345 市民服务热线（提供外语服务）。",
               "en": "The official text published by the issuing agency prevails. For help call the 12345 "
                     "citizen hotline (foreign-language service available)."},
    "skip": {"zh": "跳到主要内容", "en": "Skip to main content"},
    "matched_any": {"zh": "没有同时包含全部关键词的政策，以下为包含部分关键词的结果。",
                    "en": "No policy contains all your words; these contain some of them."},
}


def t(key: str, **kw) -> str:
    lang = getattr(g, "ui_lang", "zh")
    text = MESSAGES.get(key, {}).get(lang) or MESSAGES.get(key, {}).get("zh") or key
    return text.format(**kw) if kw else text


def choose_language() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default="zh") or "zh"


def init_app(app: Flask) -> None:
    @app.before_request
    def _lang():
        g.ui_lang = choose_language()

    @app.after_request
    def _remember(resp):
        asked = request.args.get("lang")
        if asked in LANGUAGES and not request.path.startswith("/api/") and request.cookies.get(COOKIE) != asked:
            resp.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return resp

    app.jinja_env.globals.update(t=t)
