"""Data only: field labels, document-number, date and agency patterns,
body and boilerplate selectors."""

import re

from .text import CJK

# fmt: off
# Labels of metadata rows ("发文字号：", "[发文机构]", "有 效 性") mapped to our field names.
# Keys are compared after removing every kind of white space (ideographic spaces included).
FIELD_LABELS: dict[str, str] = {
    "标题": "title", "名称": "title", "文件名称": "title", "事项名称": "item", "索引标题": "title",
    "发文机关": "agency", "发文机构": "agency", "发文单位": "agency", "发布机构": "agency",
    "发布单位": "agency", "制发机关": "agency", "颁布机关": "agency", "实施主体": "agency",
    "发文字号": "doc_number", "文号": "doc_number", "发文号": "doc_number",
    "文件编号": "doc_number", "成文日期": "written_date", "成文时间": "written_date",
    "印发日期": "written_date", "发布日期": "publish_date", "发布时间": "publish_date",
    "公布日期": "publish_date", "公开日期": "publish_date", "发文日期": "publish_date",
    "更新时间": "publish_date", "办理部门": "agency", "实施机关": "agency", "实施部门": "agency",
    "受理部门": "agency", "有效性": "status", "时效性": "status", "效力状态": "status",
    "时效状态": "status", "来源": "source", "信息来源": "source", "文章来源": "source",
    "联合发文单位": "agency_joint", "联合发文机关": "agency_joint", "联合发文机构": "agency_joint",
    "主题分类": "topic", "索引号": "index_no", "作者": "author", "责任编辑": "editor",
    "浏览次数": "views", "点击数": "views", "访问量": "views", "阅读次数": "views", "字号": "font",
    "浏览量": "views", "阅读量": "views", "点击量": "views", "访问次数": "views",
    "更新日期": "publish_date",
    # who carries out a service (办事指南): printed under many names
    "实施机关（部门）": "agency", "实施机关(部门)": "agency", "办理机构": "agency",
    "受理机构": "agency", "承办单位": "agency", "承办机构": "agency", "责任部门": "agency",
    "主管部门": "agency", "办理单位": "agency", "受理单位": "agency",
}
# 实施/办理/受理/承办 … + 机关/机构/部门/单位/主体: whoever the label says acts, each pairing names
# the agency.
FIELD_LABELS.update({
    verb + noun: "agency"
    for verb in ("实施", "办理", "受理", "承办", "责任", "主管", "执行", "审批", "发布", "发文",
                 "制发")
    for noun in ("机关", "机构", "部门", "单位", "主体")
})

# English labels seen on English portals.
EN_FIELD_LABELS: dict[str, str] = {
    "title": "title", "issued by": "agency", "issuing authority": "agency",
    "issuing agency": "agency", "issuing body": "agency", "source": "source",
    "document no.": "doc_number", "document no": "doc_number", "document number": "doc_number",
    "date issued": "written_date", "written on": "written_date", "date of writing": "written_date",
    "published": "publish_date", "published on": "publish_date",
    "publication date": "publish_date", "updated": "publish_date", "release date": "publish_date",
    "date of release": "publish_date", "date": "publish_date", "status": "status",
    "validity": "status", "authority in charge": "agency", "competent authority": "agency",
    "responsible authority": "agency", "department in charge": "agency", "handled by": "agency",
    "processing authority": "agency", "implementing authority": "agency",
    "competent department": "agency", "responsible department": "agency", "organizer": "agency",
    "department": "agency", "authority": "agency", "organized by": "agency",
}
# responsible / competent / issuing … + agency / authority / department …: every pairing is the
# body that acts ("Responsible agency", "Department in charge").
EN_FIELD_LABELS.update({
    name: "agency"
    for noun in ("agency", "authority", "department", "body", "office", "organization", "unit")
    for name in (
        *(f"{adj} {noun}" for adj in ("responsible", "competent", "implementing", "issuing",
                                       "handling", "processing", "accepting", "administering")),
        f"{noun} in charge", f"{noun} responsible",
    )
})

LABEL_VALUE_RE = re.compile(
    r"^\s*[\[【［]\s*(?P<label>[^\]】］]{1,14})\s*[\]】］]\s*[:：]?\s*(?P<value>.*)$", re.S
)

# 发文字号: issuer abbreviation, a bracketed (or bare) four-digit year, a serial number.
DOC_NUMBER_RE = re.compile(
    rf"(?P<prefix>[{CJK}]{{1,10}}?)\s*"
    r"(?:[〔\[［【(（〈<「﹝]\s*(?P<year>(?:19|20)\d\d)\s*[〕\]］】)）〉>」﹞]|(?P<bare>(?:19|20)\d\d)(?:\s*年)?(?=\s*第?\s*\d))"
    r"\s*第?\s*(?P<serial>\d{1,5})\s*号"
)

# Words that introduce another document ("根据《…》（国发〔2019〕1号）") — numbers right after
# them belong to a cited document, not to this one.
CITATION_MARKERS = (
    "根据", "依据", "按照", "贯彻", "落实", "《", "依照", "参照", "见", "废止", "替代",
)

DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"),
)
CN_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
}
CN_DATE_RE = re.compile(
    r"(?P<y>[〇○零Ｏ一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日"
)
EN_DATE_RE = re.compile(
    r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2})\s+(?P<mon2>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+(?P<y2>(?:19|20)\d\d)"
)
# Dates in URLs, as CMSs write them: /t20220916_2816543.html, /20220916/, content_20220916_1.htm,
# /2022/0916/c14540-32527.html, /2022/09/16/10073521.shtml, /2022-09-16/.
URL_DATE_RES = (
    re.compile(r"[/_-]t?(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?=[/_.-])"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)/"),
    # a file named by its date and a serial, in a folder of its month: /202301/20230103378214.shtml
    re.compile(r"/(?:19|20)\d{4}/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)\d{3,}\.\w+$"),
)
# <meta> names that hold the date a page was published (lowercase).
META_DATE_KEYS = (
    "pubdate", "article:published_time", "firstpublishedtime", "publishdate", "dc.date",
    "dcterms.issued",
)
# A byline or info bar under a headline: a date (and often a time) with where the item came from.
BYLINE_MARKS = (
    "来源", "发布", "时间", "日期", "作者", "编辑", "浏览", "Source", "Updated", "Published",
    "Release", "Date", "Author", "By ",
)
TIME_RE = re.compile(r"(?<!\d)[0-2]?\d:[0-5]\d(?::[0-5]\d)?(?!\d)")
SOURCE_RE = re.compile(r"(?:来源|信息来源|文章来源|Source)\s*[:：]\s*(?P<source>.+)", re.I)
# A validity period the text states (read after NFKC: "，" is ","): 有效期至2027年12月31日, and
# 自2024年3月1日起施行，有效期3年 (or 自印发之日起…: the written date; 发布/公布之日: published).
VALID_UNTIL_RE = re.compile(
    r"有效期(?:为)?(?:至|截至|截止(?:到|至)?|到)\s*(?P<date>[^,。;；]{6,20})"
)
VALID_YEARS_RE = re.compile(
    r"自(?P<start>[^,。;；]{2,20}?)起(?:施行|实施|执行)[,]?\s*(?:有效期|试行期|试点期)(?:为|暂定)?"
    r"\s*(?P<n>[0-9一二两三四五六七八九十]{1,3})\s*年"
)
PUBLISHED_WORDS = ("发布", "公布", "公告")

# Status words.
EXPIRED_VALUES = (
    "失效", "废止", "已废止", "已失效", "停止执行", "已修改", "被替代", "expired", "repealed",
    "no longer in force", "superseded",
)
IN_FORCE_VALUES = ("有效", "现行有效", "现行", "in force", "valid", "effective")
# Words every expiry notice holds one of (checked before the notice's pattern is searched for).
EXPIRED_NOTICE_WORDS = (
    "废止", "失效", "停止执行", "替代", "取代", "repeal", "supersed", "replaced", "no longer",
)
EXPIRED_NOTICE_RE = re.compile(
    r"(本(文件|办法|通知|规定|细则|意见|措施|政策)(已|现已)?(于.{0,20}|自.{0,20}起)?"
    r"(废止|失效|停止执行|被.{0,40}(替代|取代|废止)))"
    r"|(已(宣布)?(废止|失效))"
    r"|(This (document|policy|notice) (has been|was) (repealed|superseded|replaced))"
    r"|(no longer in (force|effect))",
    re.I,
)

# Title suffixes added by sites: "…_国务院部门文件_中国政府网", "… - 北京市人民政府".
TITLE_SEPARATORS_RE = re.compile(r"\s*(?:_|\||｜)\s*|\s+(?:[-–—－]|--|——)\s+")
SITE_WORDS = (
    "政府网", "门户网站", "人民政府", "政务服务", "政策文件", "部门文件", "首都之窗", "网站",
    "频道", "政策解读", "办事指南", "Beijing", "gov.cn", "English", "Portal", "Government",
)

# Known page families: how to recognise one, where its body is, and the copies it prints for
# phones. normalize() tries the recognised family's body first, then the generic fallbacks.
FAMILIES: dict[str, dict[str, tuple[str, ...]]] = {
    "gov-cn-new": {
        "detect": (".policyLibraryOverview_header",),
        "body": ("#UCAP-CONTENT", ".pages_content"),
        "mobile": (".mobile_overview", ".policyLibraryOverview_header_mobile"),
    },
    "gov-cn-old": {
        "detect": ("table.bd1",),
        "body": ("#UCAP-CONTENT", ".b12c", "#zoom"),
        "mobile": (),
    },
    "beijing-list": {
        "detect": (".doc-info", "div.detail-info ol"),
        "body": ("#mainText", ".view"),
        "mobile": (".mobile-doc-info",),
    },
    "bureau-table": {
        "detect": ("td.biaoti", "td.zhengwen", "td#zoom"),
        "body": ("#zoom", "td.zhengwen"),
        "mobile": (),
    },
    "news": {
        "detect": (
            ".article-content",
            ".TRS_Editor",
            ".news",
            ".news-detail",
            "[class*=news-content]",
        ),
        "body": (".article-content", ".TRS_Editor", "[class*=news-content]"),
        "mobile": (".mobile-content", ".m-content"),
    },
    "service-guide": {
        "detect": (
            ".guide-info",
            ".guide-content",
            ".bszn",
            ".guide-box",
            ".guide-table",
            "[class*=guide-body]",
        ),
        "body": (".guide-content", ".bszn", ".guide-box", "[class*=guide-body]"),
        "mobile": (),
    },
    "english": {
        "detect": ("html[lang^=en]",),
        "body": (".content", "article", ".article"),
        "mobile": (),
    },
}
# Generic body containers behind the families, most specific first.
BODY_SELECTORS = (
    "#UCAP-CONTENT", "#mainText", ".pages_content", ".TRS_Editor", ".article-content",
    ".guide-content", "#zoom", ".view", "article .content", "article", "#content", ".content",
    "main",
)
# Repeated copies printed for phones; dropped before the body is read.
MOBILE_COPY_SELECTORS = (
    ".mobile_overview", ".mobile-content", ".m-content", ".visible-xs", ".mobile-only",
    "[data-mobile-copy]",
)
BOILERPLATE_SELECTORS = (
    "script", "style", "noscript", "iframe", "form", "nav", "header", "footer", ".share",
    ".bdsharebuttonbox", ".share-bar", ".print", ".print-bar", ".footer", ".header", ".nav",
    ".breadcrumb", ".crumbs", ".position", ".related", ".relevant", ".tools", "#footer", "#header",
    ".sidebar", ".ad", ".qrcode", "[class*=share]", "[class*=related]", "[class*=relevant]",
    "[class*=btns]", "[class*=pager]", "[class*=prevnext]", "[class*=prev-next]",
    "[class*=fontsize]", "[class*=footer]", "[class*=location]", "[class*=weizhi]",
    "[class*=crumb]", "[class*=foot]", "[class*=copyright]",
    # pinyin class names of "related articles / links / information" (相关文章, 相关链接, 相关信息)
    "[class*=xgwz]", "[class*=xglj]", "[class*=xgxx]",
    # a service's rating box (好差评, 评价, Rate this service)
    "[class*=evaluat]", "[class*=pingjia]", "[class*=haocha]", "[class*=rating]",
    "[class*=service-rate]", "[class*=satisf]", "[class*=feedback]", "[class*=helpful]",
)
# Lines dropped wherever they appear in a body.
BOILERPLATE_LINE_RE = re.compile(
    # page tools: 【打印此页】【关闭窗口】, [Print] [Close]
    r"^([【\[]?\s*(打印本页|打印此页|打印页面|关闭窗口|关闭本页|打印|关闭|返回顶部|收藏本页|加入收藏|收藏"
    r"|分享到|字号|大|中|小)\s*[】\]]?\s*)+$"
    r"|^(分享到|扫一扫|责任编辑|编辑|来源)[:：].{0,40}$"
    r"|^[【\[]?\s*(字体|字号)\s*[:：]?\s*[大中小\s]+[】\]]?$"
    r"|^(上一篇|下一篇|上一条|下一条)[:：].{0,80}$"
    r"|^(Print|Close|Share|Share to|Back to top)\b.{0,30}$"
    r"|^(Editor|Editors|Edited by|Reporter|Proofreader|Translator|Source)\s*[:：].{0,40}$"
    # a breadcrumb printed inside the content: 当前位置：首页 > …, 首页 » 办事服务 » …, Home > …
    r"|^(当前位置|您的位置|您现在的位置|所在位置|现在位置|Your location|You are here)\s*[:：]"
    r".{0,80}$"
    r"|^(首页|网站首页|Home)\s*(>>?|»|›|＞|/|→|-)\s*\S.{0,80}$"
    # a newspaper's trailer: 编辑 张三, 责编 李四 (no colon), 举报邮箱：…, its app
    r"|^(责任编辑|编辑|责编|校对|审校|审核|监制|值班编辑|流程编辑|终审)\s+[\u4e00-\u9fff·]{2,5}"
    r"(\s+[\u4e00-\u9fff·]{2,5})*$"
    r"|^.{0,30}举报(邮箱|电话|热线|信箱)[:：].{0,60}$"
    r"|^.{0,20}(下载|打开|安装).{0,12}客户端.{0,30}$"
    # a site's footer in the body: ICP, 公网安备, 网站标识码, the browser it wants
    r"|^.{0,60}(ICP备|ICP证|公网安备|网站标识码|版权所有|Copyright ©|©\s*\d{4}).{0,80}$"
    r"|^.{0,10}建议(使用|采用).{0,30}(浏览器|分辨率).{0,30}$"
    # a service's rating prompt: 请您对本次服务进行评价, 满意 不满意, Was this page helpful?
    r"|^.{0,6}请您?对.{0,16}进行评价.{0,30}$|^(非常满意|满意|基本满意|一般|不满意|\s)+$"
    r"|^.{0,16}(对您是否有|是否对您有|对您有)所?帮助[?？]?.{0,20}$"
    r"|^(Was|Is) this (page|information|article)"
    r" (helpful|useful)\?.{0,30}$|^(提交评价|我要评价|去评价|Rate this (service|page)\b.{0,40}"
    r"|Thank you for your feedback!?)$"
    # a newspaper's credits: 记者 王宁 摄影 李超, 责编 张三 审核 李四
    r"|^((记者|摄影|摄像|通讯员|实习生|实习记者|制图|视频|责编|编辑|审核|校对|监制)\s*[:：]?\s*"
    r"[\u4e00-\u9fff·]{2,5}\s*)+$",
    re.I,
)
# A link to the page in the other language, printed in the body ("View the Chinese version").
LANG_SWITCH_RE = re.compile(
    r"^((view|read|see|go to|switch to)\s+)?(the\s+)?(chinese|english)\s+(version|original|text"
    r"|page)$|^(查看|阅读)?(中文|英文)(版|原文|版本)$|^(English|中文|EN|CN)$",
    re.I,
)
# The heading of a box of links to other pages.
RELATED_HEADING_RE = re.compile(
    r"^(相关(政策|链接|文章|阅读|新闻|解读|文件|推荐|信息)|延伸阅读|推荐阅读|Related"
    r"( links| articles| policies| news| reading| content)?|See also)\s*[:：]?$",
    re.I,
)
HEADER_LINE_RE = re.compile(r"^(来源|发布时间|发布日期|作者|浏览次数|访问量|字号|信息来源)[:：]")
# Words of a page's tools that run into a metadata value on one line
# ("区教委 【字体：大 中 小】 打印").
UI_WORDS = (
    "【", "打印本页", "打印", "关闭窗口", "关闭", "字号", "字体", "分享到", "分享", "收藏",
    "浏览次数", "阅读次数", "责任编辑", "Print", "Font size", "Share", "A+",
)
# Words that make a name a government body (abbreviations like 区教委 included).
GOV_BODY_WORDS = (
    "政府", "委员会", "管委会", "办公厅", "办公室", "局", "委", "部", "厅", "署", "办", "中心",
    "总队", "院", "街道", "处", "办事处", "所", "站", "分行",
)
EN_AGENCY_WORDS = (
    "Ministry", "Commission", "Bureau", "Administration", "Office", "Government", "Committee",
    "Department", "Council", "Authority", "Agency", "Service Center", "Administrative Committee",
    "Bank", "Police", "Centre", "Center",
)
# An English page that says it translates a Chinese document.
TRANSLATION_MARKERS_RE = re.compile(
    r"chinese (?:version|text|original) (?:shall )?prevail|in case of (?:any )?(?:discrepancy|"
    r"inconsistency) between|(?:unofficial|english) translation|translated (?:by|from)|"
    r"english (?:version|text|translation) is (?:provided )?for reference",
    re.I,
)
# Questions and answers: a press conference, an interview, a Q&A interpretation.
QA_LINE_RE = re.compile(r"^(?:问|答|记者|主持人|发布人|Q|A|Question|Answer)\s*\d*\s*[:：]", re.I)
MEDIA_OUTLETS = (
    "日报", "晚报", "电视台", "广播", "新华社", "人民网", "新华网", "央视", "晨报", "青年报",
    "商报", "客户端", "融媒体", "京报", "时报", "周刊", "报社", "澎湃", "Xinhua", "Daily",
    "China News",
)
# Words of news outlets that government offices share (新闻办公室): media unless the name ends
# as a government body does.
MEDIA_WEAK_WORDS = ("新闻", "News")
AGENCY_SUFFIXES = (
    "国务院", "办公厅", "办公室", "委员会", "管理局", "管委会", "人民政府", "部", "局", "厅", "委",
    "院", "署", "总队", "中心", "银行", "管理委员会", "街道办事处", "街道",
)
# How a link to a related document is introduced, checked in this order against the words
# around the link (its own text excluded).
RELATED_LINK_HINTS = {
    "original": ("Chinese original", "中文原文", "英文版原文", "Chinese version", "Chinese text"),
    "replaced_by": (
        "现行文件",
        "替代",
        "取代",
        "superseded",
        "replaced by",
        "Current version",
        "新版",
    ),
    "policy": ("政策原文", "相关文件", "相关政策", "政策依据", "Related policy", "Policy text"),
    "interpretation": ("政策解读", "解读", "Interpretation"),
    "guide": ("办事指南", "English guide", "Service guide"),
    "translation": ("English version", "英文版", "Translation"),
}

# Query parameters that only track where a visitor came from; dropped from URLs.
TRACKING_PARAMS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "spm", "from",
    "share_token", "isappinstalled", "scene", "clicktime", "enterid", "fbclid", "gclid", "_t",
    "timestamp",
)
# Last path segments that name a folder's default page: /a/index.html is /a/.
DEFAULT_PAGES = (
    "index.html", "index.htm", "index.shtml", "default.html", "default.htm", "index.jsp",
)
# Attachments linked from policy pages, by extension: parsed types and listed-only types.
PARSED_ATTACHMENTS = {".pdf": "pdf", ".docx": "docx"}
LISTED_ATTACHMENTS = {
    ".doc": "doc", ".wps": "wps", ".ofd": "ofd", ".xls": "xls", ".xlsx": "xlsx", ".zip": "zip",
    ".rar": "rar", ".et": "et",
}

# Where a headline sits when it is not in an <h1> (in this order).
HEADLINE_SELECTORS = (
    # a heading inside a title bar (which may hold buttons too)
    "[class*=title] h1, [class*=title] h2, [class*=title] h3, [class*=title] h4, "
    "[class*=biaoti] h3, [class*=bt] h3, h2[class*=name], h3[class*=name], h2[class*=title], "
    "h3[class*=title]",
    # an element named for the title
    "[class*=title]:not([class*=subtitle]):not([class*=title-en]):not(title), "
    "[class*=biaoti], [class*=headline], .bt, .tit, [id*=title]:not([id*=subtitle]), "
    # a service item's name (政务服务 事项名称)
    "[class*=item-name], [class*=itemName], [class*=matter-name], [class*=sxmc]",
    "h2, h3",
)

# Titles that name an account of how to do something (a guide, whatever its sections).
GUIDE_TITLE_WORDS = (
    "申请须知", "办理须知", "办理流程", "办事流程", "操作指引", "申办流程", "申请流程", "办理指引",
    "服务指引",
)
# Titles that name an interpretation of a policy.
INTERPRETATION_TITLE_WORDS = (
    "解读", "答记者问", "问答", "一图读懂", "图解", "新闻发布会", "发布会实录", "专家解读",
)
# The last words of a document's title (…的通知, …办法): a title printed over two lines ends so.
DOC_TYPE_ENDINGS = (
    "通知", "办法", "意见", "规定", "细则", "措施", "方案", "公告", "通告", "决定", "指南", "规则",
    "标准", "目录", "清单", "批复", "函", "令", "（试行）", "（暂行）",
)

# The last words of a notice's title: a government site's own announcement, never a news story's
# (a story's title may end in 措施 or 清单 as a document's does, not in 的通知).
NOTICE_ENDINGS = ("的通知", "的公告", "的通告", "公示", "的决定", "的批复", "的通报")

# Channel names in <title> or the breadcrumb that say what kind of page this is.
CHANNEL_KINDS = (
    ("政策解读", "interpretation"),
    ("解读", "interpretation"),
    ("办事指南", "guide"),
    ("服务指南", "guide"),
    ("Policy interpretation", "interpretation"),
    ("Guides", "guide"),
)
BREADCRUMB_SELECTORS = (
    ".crumbs", ".crumb", ".breadcrumb", ".position", ".location", "[class*=crumb]",
)

# fmt: on
