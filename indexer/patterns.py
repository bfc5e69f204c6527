"""Data only: field labels, document-number, date and agency patterns,
body and boilerplate selectors."""

import re

from .text import CJK

# Labels of metadata rows ("发文字号：", "[发文机构]", "有 效 性") mapped to our field names.
# Keys are compared after removing every kind of white space (ideographic spaces included).
FIELD_LABELS: dict[str, str] = {
    "标题": "title",
    "名称": "title",
    "文件名称": "title",
    "事项名称": "item",
    "索引标题": "title",
    "发文机关": "agency",
    "发文机构": "agency",
    "发文单位": "agency",
    "发布机构": "agency",
    "发布单位": "agency",
    "制发机关": "agency",
    "颁布机关": "agency",
    "实施主体": "agency",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "发文号": "doc_number",
    "文件编号": "doc_number",
    "成文日期": "written_date",
    "成文时间": "written_date",
    "印发日期": "written_date",
    "发布日期": "publish_date",
    "发布时间": "publish_date",
    "公布日期": "publish_date",
    "公开日期": "publish_date",
    "发文日期": "publish_date",
    "更新时间": "publish_date",
    "办理部门": "agency",
    "实施机关": "agency",
    "实施部门": "agency",
    "受理部门": "agency",
    "有效性": "status",
    "时效性": "status",
    "效力状态": "status",
    "时效状态": "status",
    "来源": "source",
    "信息来源": "source",
    "文章来源": "source",
    "主题分类": "topic",
    "索引号": "index_no",
    "作者": "author",
    "责任编辑": "editor",
    "浏览次数": "views",
    "点击数": "views",
    "访问量": "views",
    "阅读次数": "views",
    "字号": "font",
    "浏览量": "views",
    "阅读量": "views",
    "点击量": "views",
    "访问次数": "views",
    "更新日期": "publish_date",
}

# English labels seen on English portals.
EN_FIELD_LABELS: dict[str, str] = {
    "title": "title",
    "issued by": "agency",
    "issuing authority": "agency",
    "issuing agency": "agency",
    "issuing body": "agency",
    "source": "source",
    "document no.": "doc_number",
    "document no": "doc_number",
    "document number": "doc_number",
    "date issued": "written_date",
    "written on": "written_date",
    "date of writing": "written_date",
    "published": "publish_date",
    "published on": "publish_date",
    "publication date": "publish_date",
    "updated": "publish_date",
    "release date": "publish_date",
    "date of release": "publish_date",
    "date": "publish_date",
    "status": "status",
    "validity": "status",
}

LABEL_VALUE_RE = re.compile(
    r"^\s*[\[【［]\s*(?P<label>[^\]】］]{1,14})\s*[\]】］]\s*[:：]?\s*(?P<value>.*)$", re.S
)

# 发文字号: issuer abbreviation, a bracketed (or bare) four-digit year, a serial number.
DOC_NUMBER_RE = re.compile(
    rf"(?P<prefix>[{CJK}]{{1,10}}?)\s*"
    r"(?:[〔\[［【(（〈<「﹝]\s*(?P<year>(?:19|20)\d\d)\s*[〕\]］】)）〉>」﹞]|(?P<bare>(?:19|20)\d\d)(?=\s*第?\s*\d))"
    r"\s*第?\s*(?P<serial>\d{1,5})\s*号"
)

# Words that introduce another document ("根据《…》（国发〔2019〕1号）") — numbers right after
# them belong to a cited document, not to this one.
CITATION_MARKERS = (
    "根据",
    "依据",
    "按照",
    "贯彻",
    "落实",
    "《",
    "依照",
    "参照",
    "见",
    "废止",
    "替代",
)

DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"),
)
CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "Ｏ": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
CN_DATE_RE = re.compile(
    r"(?P<y>[〇○零Ｏ一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日"
)
EN_DATE_RE = re.compile(
    r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2})\s+(?P<mon2>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+(?P<y2>(?:19|20)\d\d)"
)
URL_DATE_RE = re.compile(r"/t?(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)[_/]")
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
    "失效",
    "废止",
    "已废止",
    "已失效",
    "停止执行",
    "已修改",
    "被替代",
    "expired",
    "repealed",
    "no longer in force",
    "superseded",
)
IN_FORCE_VALUES = ("有效", "现行有效", "现行", "in force", "valid", "effective")
EXPIRED_NOTICE_RE = re.compile(
    r"(本(文件|办法|通知|规定|细则|意见|措施|政策)(已|现已)?(于.{0,20})?(废止|失效|停止执行|被.{0,40}(替代|取代|废止)))"
    r"|(已(宣布)?(废止|失效))"
    r"|(This (document|policy|notice) (has been|was) (repealed|superseded|replaced))"
    r"|(no longer in (force|effect))",
    re.I,
)

# Title suffixes added by sites: "…_国务院部门文件_中国政府网", "… - 北京市人民政府".
TITLE_SEPARATORS_RE = re.compile(r"\s*(?:_|\||｜)\s*|\s+[-–—－]\s+")
SITE_WORDS = (
    "政府网",
    "门户网站",
    "人民政府",
    "政务服务",
    "政策文件",
    "部门文件",
    "首都之窗",
    "网站",
    "频道",
    "政策解读",
    "办事指南",
    "Beijing",
    "gov.cn",
    "English",
    "Portal",
    "Government",
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
    "#UCAP-CONTENT",
    "#mainText",
    ".pages_content",
    ".TRS_Editor",
    ".article-content",
    ".guide-content",
    "#zoom",
    ".view",
    "article .content",
    "article",
    "#content",
    ".content",
    "main",
)
# Repeated copies printed for phones; dropped before the body is read.
MOBILE_COPY_SELECTORS = (
    ".mobile_overview",
    ".mobile-content",
    ".m-content",
    ".visible-xs",
    ".mobile-only",
    "[data-mobile-copy]",
)
BOILERPLATE_SELECTORS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    "nav",
    "header",
    "footer",
    ".share",
    ".bdsharebuttonbox",
    ".share-bar",
    ".print",
    ".print-bar",
    ".footer",
    ".header",
    ".nav",
    ".breadcrumb",
    ".crumbs",
    ".position",
    ".related",
    ".relevant",
    ".tools",
    "#footer",
    "#header",
    ".sidebar",
    ".ad",
    ".qrcode",
    "[class*=share]",
    "[class*=related]",
    "[class*=relevant]",
    "[class*=btns]",
    "[class*=pager]",
    "[class*=prevnext]",
    "[class*=prev-next]",
    "[class*=fontsize]",
    "[class*=footer]",
)
# Lines dropped wherever they appear in a body.
BOILERPLATE_LINE_RE = re.compile(
    r"^(【?\s*(打印本页|关闭窗口|打印|关闭|返回顶部|收藏|分享到|字号|大|中|小)\s*】?\s*)+$"
    r"|^(分享到|扫一扫|责任编辑|编辑|来源)[:：].{0,40}$"
    r"|^(上一篇|下一篇|上一条|下一条)[:：].{0,80}$"
    r"|^(Print|Close|Share|Share to|Back to top)\b.{0,30}$",
    re.I,
)
HEADER_LINE_RE = re.compile(r"^(来源|发布时间|发布日期|作者|浏览次数|访问量|字号|信息来源)[:：]")
MEDIA_OUTLETS = (
    "日报",
    "晚报",
    "新闻",
    "电视台",
    "广播",
    "新华社",
    "人民网",
    "新华网",
    "央视",
    "晨报",
    "青年报",
    "商报",
    "客户端",
    "融媒体",
    "京报",
    "时报",
    "周刊",
    "报社",
    "澎湃",
)
AGENCY_SUFFIXES = (
    "国务院",
    "办公厅",
    "办公室",
    "委员会",
    "管理局",
    "管委会",
    "人民政府",
    "部",
    "局",
    "厅",
    "委",
    "院",
    "署",
    "总队",
    "中心",
    "银行",
    "管理委员会",
    "街道办事处",
    "街道",
)
# How a link to a related document is introduced, checked in this order against the words
# around the link (its own text excluded).
RELATED_LINK_HINTS = {
    "original": ("Chinese original", "中文原文", "英文版原文"),
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
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "spm",
    "from",
    "share_token",
    "isappinstalled",
    "scene",
    "clicktime",
    "enterid",
    "fbclid",
    "gclid",
    "_t",
    "timestamp",
)
# Last path segments that name a folder's default page: /a/index.html is /a/.
DEFAULT_PAGES = (
    "index.html",
    "index.htm",
    "index.shtml",
    "default.html",
    "default.htm",
    "index.jsp",
)
# Attachments linked from policy pages, by extension: parsed types and listed-only types.
PARSED_ATTACHMENTS = {".pdf": "pdf", ".docx": "docx"}
LISTED_ATTACHMENTS = {
    ".doc": "doc",
    ".wps": "wps",
    ".ofd": "ofd",
    ".xls": "xls",
    ".xlsx": "xlsx",
    ".zip": "zip",
    ".rar": "rar",
    ".et": "et",
}

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
    ".crumbs",
    ".crumb",
    ".breadcrumb",
    ".position",
    ".location",
    "[class*=crumb]",
)
