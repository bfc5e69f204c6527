"""Data only: the words of service guides (办事指南) — section and row labels in Chinese and
English mapped to the guide's keys, the headings of its other sections and its tabs
(indexer/guide.py reads them)."""

# fmt: off
# Section and row labels -> the guide's keys.
GUIDE_LABELS: dict[str, str] = {
    "办理对象": "audience", "服务对象": "audience", "适用对象": "audience", "申请对象": "audience",
    "申办对象": "audience", "面向对象": "audience", "受理条件": "conditions",
    "办理条件": "conditions", "申请条件": "conditions", "申报条件": "conditions",
    "准予许可的条件": "conditions", "申请人条件": "conditions", "申请材料": "materials",
    "所需材料": "materials", "申报材料": "materials", "提交材料": "materials",
    "材料清单": "materials", "申请材料目录": "materials", "办理流程": "steps", "办理程序": "steps",
    "办事流程": "steps", "办理步骤": "steps", "申办流程": "steps", "办理环节": "steps",
    "申请流程": "steps", "办理地点": "where", "受理地点": "where", "窗口地址": "where",
    "办公地址": "where", "办理窗口": "where", "受理窗口": "where", "现场办理地址": "where",
    "办理时间": "hours", "受理时间": "hours", "办公时间": "hours", "窗口办公时间": "hours",
    "办理时限": "time_limit", "承诺时限": "time_limit", "承诺办结时限": "time_limit",
    "办结时限": "time_limit", "咨询电话": "phone", "联系电话": "phone", "咨询方式": "phone",
    "inquiries": "phone", "telephone": "phone", "contact number": "phone", "tel": "phone",
    "收费标准": "fee", "收费情况": "fee", "是否收费": "fee",
    "收费依据及标准": "fee", "who can apply": "audience", "who may apply": "audience",
    "who should apply": "audience", "who should enroll": "audience", "who is eligible": "audience",
    "eligibility": "conditions", "eligibility requirements": "conditions", "documents": "materials",
    "application materials": "materials", "documents to bring": "materials",
    "requirements": "conditions", "documents required": "materials",
    "required documents": "materials", "materials": "materials", "what to bring": "materials",
    "procedure": "steps", "procedures": "steps", "steps": "steps", "how to apply": "steps",
    "where": "where", "where to apply": "where", "address": "where", "office hours": "hours",
    "hours": "hours", "opening hours": "hours", "processing time": "time_limit",
    "time limit": "time_limit", "phone": "phone", "hotline": "phone", "contact": "phone",
    "enquiries": "phone", "fee": "fee", "fees": "fee", "cost": "fee", "charges": "fee",
    "who can sign up": "audience", "who can join": "audience", "who can register": "audience",
    "who can attend": "audience", "eligible applicants": "audience", "target group": "audience",
    "what you need": "materials", "what you need to bring": "materials",
    "what to prepare": "materials", "documents needed": "materials", "how to sign up": "steps",
    "how to register": "steps", "how to enroll": "steps", "how to book": "steps",
    "application process": "steps", "application procedure": "steps", "venue": "where",
    "location": "where", "class time": "hours", "service hours": "hours",
    "opening times": "hours", "contact us": "phone", "price": "fee",
    "applicants": "audience", "statutory time limit": "statutory_time_limit",
}
# 承诺 / 法定 + 时限 / 期限 / 办结时限 …: the statutory time limit counts only where no promised
# one is printed.
GUIDE_LABELS.update({
    kind + span: key
    for kind, key in (("承诺", "time_limit"), ("法定", "statutory_time_limit"))
    for span in ("时限", "期限", "办结时限", "办理时限", "办结期限", "办理期限")
})
# 办理/申请/申领/申办/申报/受理 + 对象/条件/材料/流程 …: every pairing names the same section.
GUIDE_LABELS.update({
    verb + noun: key
    for verb in ("办理", "申请", "申报", "申领", "申办", "受理")
    for noun, key in (
        ("对象", "audience"), ("人范围", "audience"), ("条件", "conditions"),
        ("材料", "materials"), ("所需材料", "materials"), ("流程", "steps"), ("程序", "steps"),
        ("步骤", "steps"), ("方式及流程", "steps"), ("地点", "where"), ("地址", "where"),
        ("窗口", "where"), ("时间", "hours"), ("时限", "time_limit"), ("期限", "time_limit"),
    )
})
# The last word of a section heading in other words (激活步骤, 需上传的材料, 申请人需具备的条件).
GUIDE_HEADING_NOUNS = {
    "步骤": "steps", "流程": "steps", "程序": "steps", "材料": "materials", "条件": "conditions",
    "对象": "audience", "人群": "audience", "地点": "where", "地址": "where", "时间": "hours",
    "时限": "time_limit", "电话": "phone", "热线": "phone", "费用": "fee",
}
# Headings that ask the reader's question (谁可以申请, 去哪里办, 多久办结).
GUIDE_QUESTIONS = {
    "谁可以申请": "audience", "谁能申请": "audience", "哪些人可以申请": "audience",
    "哪些人可以办理": "audience", "谁可以办理": "audience", "去哪里办": "where",
    "在哪里办": "where", "到哪里办": "where", "哪里可以办": "where", "多久办结": "time_limit",
    "多久能办好": "time_limit", "多长时间": "time_limit", "要不要钱": "fee", "收费吗": "fee",
}
GUIDE_LABELS.update({
    "服务时间": "hours", "工作时间": "hours", "开放时间": "hours", "营业时间": "hours",
    "窗口时间": "hours", "办结时间": "time_limit", "办理周期": "time_limit",
    "审批时限": "time_limit", "审核时限": "time_limit", "多久办结": "time_limit", "费用": "fee",
    "收费": "fee", "收费金额": "fee", "咨询热线": "phone", "服务热线": "phone",
    "热线电话": "phone", "联系方式": "phone", "办理渠道": "where", "服务地点": "where",
    "服务地址": "where", "受理地址": "where", "适用人群": "audience", "服务人群": "audience",
    "required materials": "materials", "materials required": "materials",
    "materials needed": "materials", "consultation hotline": "phone", "service hotline": "phone",
    "enquiry hotline": "phone", "inquiry hotline": "phone", "contact phone": "phone",
    "contact telephone": "phone", "consultation": "phone", "conditions": "conditions",
    "applicable to": "audience",
    "who is it for": "audience", "how it works": "steps", "where to go": "where",
    "what you need to prepare": "materials", "documents to prepare": "materials",
    "application steps": "steps", "target audience": "audience", "eligible persons": "audience",
})
# Headings of a guide's other sections: they end the section before them.
GUIDE_OTHER_SECTIONS = (
    "事项名称", "事项编码", "事项类型", "设定依据", "法律依据", "实施依据", "办理依据", "常见问题",
    "办理结果", "结果送达", "审批结果", "权利义务", "监督投诉", "投诉渠道", "表格下载", "办件类型",
    "办理形式", "网上办理", "数量限制", "中介服务", "特别程序", "实施主体", "实施机关",
    "Legal basis", "FAQ", "Frequently asked questions", "Notes", "Results", "监督电话", "投诉电话",
    "监督投诉电话", "基本信息",
)
# Tab names of a guide that are not sections of it.
GUIDE_TAB_WORDS = (
    "基本信息", "常见问题", "办理依据", "设定依据", "表格下载", "结果样本", "Basic information",
    "FAQ",
)
# fmt: on
