"""Data only: what opens a document's scope and eligibility passages, what a condition list looks
like, and the passages where a group is named without being addressed (indexer/audience.py reads
them; the groups' own words are in policies/taxonomy.yaml)."""

from __future__ import annotations

import re

# A line that opens who a document is for or what they must meet: 适用对象, 申请条件, "Who can
# apply" … The passage runs on over its list items.
SCOPE_HEAD = re.compile(
    r"适用对象|适用范围|适用于|服务对象|申请对象|办理对象|申办对象|支持对象|保障对象|保障范围|"
    r"配租对象|面向对象|补贴对象|享受对象|申请条件|受理条件|办理条件|申报条件|申请人条件|"
    r"基本条件|准入条件|入园条件|申请人应当|哪些人|谁可以|谁能|可以申请|可申请|"
    r"符合下列|符合以下|具备下列|具备以下|满足下列|满足以下|下列条件|以下条件|本办法所称|"
    r"who can apply|who may apply|who can|who is eligible|eligib|who qualifies|applies to|"
    r"who is it for|who it is for|who is covered|who it covers|conditions|requirements|you must|"
    r"is for|are for",
    re.I,
)
# The clause that opens a document with its purpose, naming whom it serves.
PURPOSE = re.compile(
    r"^(为[^。]{4,80}?[，,]|(to|these measures are made to) [^.]{4,160}?[,.])", re.I
)
# A heading line: short, no sentence in it (三、服务对象; (2) Who is covered).
HEADING = re.compile(r"^[^。；;!?！？]{1,24}[:：]?$")
# A line that is an item of a list: （一）, 1. 1、 (1) ①, a bullet, "- ".
ITEM = re.compile(r"^\s*(（[一二三四五六七八九十]+）|\(?\d{1,2}[.、)）]|\([a-z\d]\)|[①-⑩•·\-–—])")
# A line that opens the next part of a document (ends a passage that is not a list).
NEXT_PART = re.compile(
    r"^\s*(第[一二三四五六七八九十百]+[条章节]|[一二三四五六七八九十]+、|Article \d|Section \d|"
    r"Chapter \d|[A-Z][A-Za-z ]{2,40}[:.]?$)"
)
# Conditions: what the sentence of a condition looks like (it states a requirement) — used to pick
# the conditions out of a scope passage that mixes them with explanation.
CONDITION_WORDS = re.compile(
    r"持有|持|具有|具备|签订|满\d|不少于|不低于|不超过|以上|以下|年满|未满|无|符合|须|应当|需|"
    r"在本市|在本区|在京|居留|注册|工作|居住|取得|"
    r"must|hold|have|at least|no more|under|over|registered|"
    r"contract|full-time|own no|not |valid",
    re.I,
)
# A sentence of a body that asks something of the applicant.
# A requirement that names who the applicant must be (the role, then 应当为 / 须为 / 限于 …).
MUST_BE = re.compile(
    r"(申请人|申请单位|创始人|实际控制人|法定代表人|负责人|主要负责人|承租人|申报人|对象)"
    r"[^。；]{0,12}(应当为|应为|须为|必须为|限于|仅限|应当是|须是)"
    r"|(创始人|实际控制人|法定代表人|核心技术负责人|创业团队)[^。；]{0,12}为"
    r"|(applicant|founder|tenant)s? must be"
)
REQUIREMENT = re.compile(
    r"(申请人|外籍人员|外籍人才|外国人|本人|家长|学生|企业|用人单位|居民|患者)[^。；]{0,20}(须|应当|需要|需)"
    r"|凭[^。；]{1,20}(办理|申请|注册|领取|预约|乘坐|挂号)|持有效|可凭|须持|须在|须由|须于|应当在|"
    r"不少于|不低于|不超过|满\d|届满|以内|以上的|内申请|you must|you need|must hold|must be|"
    r"bring|at least|no more than|within \d",
    re.I,
)
# Sentences that are no condition: a news lead, a purpose, a date of entry into force.
NOT_A_CONDITION = re.compile(
    r"^(近日|日前|为(了)?[^。]{0,60}(制定|特制定|现就|通知如下|如下)|根据)|自\d{4}年[^。]{0,12}(起施行|施行)|负责解释|"
    r"this (document|notice|measure)s? (takes|take) effect|^(recently|to )",
    re.I,
)
MAX_CONDITIONS = 6
MAX_CONDITION_CHARS = 90
MAX_PASSAGE_LINES = 10

# Where a group is named but not addressed (AUDIENCE_SPEC.md): blanked before that group's words
# are counted. By tag; "*" applies to every tag.
NOT_ADDRESSED: dict[str, tuple[str, ...]] = {
    "*": (
        r"[^。；;\n]{0,30}咨询[^。；;\n]{0,10}",  # a matter offered for advice only (R1, R3)
        r"advice on [^.;\n]{0,60}",
    ),
    "foreign-family": (
        r"本人[、及和]?配偶[^。；;\n]{0,20}无[^。；;\n]{0,20}住房",  # a housing test (R2)
        r"(you, )?your spouse and (your )?children under 18 own no home",
        r"applicant, spouse and (minor )?children[^.;\n]{0,40}own no",
        r"随行家属[^。；;\n]{0,10}（如有）",
        # R2: the taxpayer's own allowance
        r"子女教育(附加扣除|专项附加)|子女教育费|children's education allowance",
    ),
    "hk-macao-taiwan": (
        r"港澳台(人才|人员|居民)?等[^。；;\n]{0,20}(服务|需求)",
        r"港澳台(居民|人员|人才)及其(随行)?家属",  # a roster of whom a service serves (R1)
        r"为[^。；;\n]{0,20}港澳台[^。；;\n]{0,15}提供[^。；;\n]{0,30}服务",
        r"hong kong, macao and taiwan,? and their famil[a-z]*",
        # a place, not a person
        r"(前往|经|至|到)(中国)?(香港|澳门|台湾)|(to|through|via) hong kong",
    ),
    "startup": (r"就业创业", r"创业大街", r"创新创业服务", r"双创"),
    "employer": (
        r"用人单位出具[^。；;\n]{0,20}",
        r"(所在|工作)单位(推荐|证明|出具)",
        r"(a |an )?(letter|certificate|proof) (from|of) (your )?employer",
    ),
    "foreign-high-end": (
        r"(外国人)?永久居留身份证",
        r"permanent resident id card",
        r"[（(]a类或b类[）)]|a类或b类|\(category a or b\)",  # a permit class in a materials list
        r"第一条\s*为[^。\n]*",  # the purpose of a document grants nothing (R3)
    ),
}

# A roster of whom a service serves names a group in passing in the text (R1); the same words in
# the document's own scope (适用对象：外籍人才及其家属) address the group. Blanked outside the scope
# passages only.
ROSTER: dict[str, tuple[str, ...]] = {
    "foreign-family": (r"及其(随行)?家属|及家属|and their famil(y|ies)",),
}

# A provision of its own for a group counts once, wherever it stands (R2: family members given a
# measure of their own — school places, residence, hospital help).
PROVISION: dict[str, str] = {
    # students given a measure of their own: a permit, insurance, a grant they may apply for
    "student": (
        r"(外国留学生|来华留学生|高校学生|学生社团)[^。；\n]{0,50}(可以|可|申请|申报|参加|享受)"
        r"|(foreign|international) students?[^.;\n]{0,80}(can|may|are eligible|apply)"
    ),
    "foreign-family": (
        r"(外籍人才|外籍人员|外国人才|外籍)(随迁子女|随迁家属|家属|配偶|子女)[^。；\n]{0,12}"
        r"(需要|可以|可|申请|办理|入学|就读|就医|随同|协调|优先|提供|享受)"
        r"|(family members|spouses?|children) of foreign (talent|staff|nationals)[^.;\n]{0,30}"
        r"(can|may|apply|are eligible|get|receive)"
    ),
}

# Groups counted only where they act (apply, file, carry a duty, receive something): an employer
# named as where the talent works, or as who issues a certificate, is not addressed (R4). Title
# words still count.
ACTING: dict[str, str] = {
    "employer": (
        r"(用人单位|聘用单位|邀请单位|所在单位|单位人事部门|工作单位)(应当|应|须|可以|可|负责|通过|在线|统一|经办人|登录|"
        r"集中|申请|申报|提交|办理|为|指定|注册|登记|报送|承担|代为|一次|已在|已经|及时|和外籍|或者邀请|"
        r"在[^。；\n]{0,15}(申报|申请|提交|办理))"
        r"|(由|各|指导|督促|帮助|聘用外籍人员的|及其)(用人单位|聘用单位|单位人事部门)"
        r"|(用人单位|聘用单位)[^。；\n]{0,12}(通过|提交|申请|申报|办理|推荐)"
        r"|企业为[^。；\n]{0,20}(承租|申请|办理|缴存)|面向[^。；\n]{0,8}企业定向"
        r"|重点企业|企业整体承租|企业外籍员工|企业集中|为企业(提供|办理|集中)|上门服务"
        r"|staff to the employer"
        r"|on-site (collective )?(processing|service)"
        r"|(?<!your )\b(employers?|the employer|employing units?) (must|shall|should|can|may|apply|"
        r"applies|submit|submits|files?|registers?|with \d|reports?|pays?|withholds?|that|who|"
        r"handles?|sends?|tells?|gets?|are|is responsible|on behalf)"
        r"|\byour employer (applies|files|submits|collects|does this|must apply)\b"
        r"|\btheir employers\b|\bemployers'|\band employers\b"
    ),
}
