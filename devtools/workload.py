"""A workload nobody chose: policy pages and queries generated from the vocabulary of talent
policy (not from the bundled samples), fixed by a seed.

Pages: titles, bodies of about 1,700 characters, metadata, in five site templates (a national
library page, a municipal list header, a district bureau table in GBK, a news page, a service
guide). Queries: one to four terms drawn by a Zipf law (common and rare), some with filters, a
share of long desk questions. Seed 1 is the dev workload (look, tune); seed 2 is held out."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from html import escape
from pathlib import Path

# fmt: off
TERMS = {
    "livable": (
        "人才公寓 租房补贴 公共租赁住房 保障性住房 共有产权住房 住房公积金 配租 租金 "
        "购房资格 人才住房 租赁合同备案 物业服务 装修补贴 安家费 周转房"
    ).split(),
    "neighbourhood": (
        "社区活动 邻里节 志愿服务 国际文化交流 外籍居民 社区议事 文体活动 语言课程 "
        "中文培训 融合社区 社区图书室 邻里互助 节日庆典 兴趣社团"
    ).split(),
    "education": (
        "子女入学 国际学校 外籍人员子女学校 义务教育 学前教育 幼儿园 学位 转学 学费补贴 "
        "随迁子女 双语教育 入学申请 升学 课后服务 学籍"
    ).split(),
    "innovation": (
        "工作许可 外国人来华工作许可证 创业补贴 孵化器 科技成果转化 人才引进 高层次人才 "
        "知识产权 股权激励 研发费用 博士后 留学人员创业园 技术移民 职称评审 人才认定"
    ).split(),
    "health": (
        "医疗保险 基本医疗保险 商业保险 国际医疗 就医 预约挂号 家庭医生 体检 疫苗接种 "
        "医保报销 直接结算 双语门诊 急诊 医疗补贴 健康档案"
    ).split(),
    "transport": (
        "驾驶证 机动车驾驶证 换领 公共交通 地铁 通勤班车 停车 充电桩 共享单车 机场快线 "
        "交通卡 车辆登记 道路通行 定制公交"
    ).split(),
    "green": (
        "垃圾分类 绿色建筑 节能 低碳 碳减排 新能源汽车 公园绿地 雨水利用 光伏 绿色出行 "
        "环境监测 节水 再生资源"
    ).split(),
    "services": (
        "居留许可 永久居留 签证 R字签证 外籍人才服务站 一站式服务 银行开户 移动支付 "
        "12345热线 证件办理 出入境 临时住宿登记 公证认证 个人所得税 社会保险"
    ).split(),
    "governance": (
        "社区治理 网格化管理 居民议事会 安全生产 应急管理 平安社区 物业管理 民主协商 "
        "矛盾调解 社区规划 基层治理 消防安全"
    ).split(),
}
AGENCIES = (
    "北京市人力资源和社会保障局 北京市科学技术委员会 北京市教育委员会 "
    "北京市卫生健康委员会 北京市住房和城乡建设委员会 北京市公安局出入境管理总队 "
    "北京市商务局 国家移民管理局 北京市朝阳区人民政府 北京市海淀区人力资源和社会保障局 "
    "北京经济技术开发区管理委员会 北京市怀柔区人民政府 北京市通州区住房和城市建设委员会 "
    "北京市顺义区教育委员会"
).split()
PREFIXES = (
    "京人社发 京科发 京教发 京卫发 京建发 京公出发 京商发 国移发 朝政发 海人社发 "
    "京技管发 怀政发 通住建发 顺教发"
).split()
DOC_TYPES = (
    "管理办法 实施细则 若干措施 工作方案 服务指南 实施意见 暂行规定 通知"
).split()
VERBS = ["申请", "办理", "享受", "认定", "续签", "领取", "变更", "注销"]
SUBJECTS = (
    "外籍人才 高层次人才 留学回国人员 用人单位 港澳台人才 青年人才 科研人员 创业团队"
).split()
REGIONS = [None, "wangjing", "zgc", "future-science-city", "new-shougang", "tongzhou", "shunyi",
           "huairou", "bda", "beijing", "national"]
QUESTION_FORMS = ["请问{s}{v}{t}需要什么材料？", "{s}想{v}{t}，应该去哪里办理，多长时间能办好？",
                  "我是{s}，{t}和{t2}可以同时{v}吗？", "{t}的{v}条件是什么，{s}能不能{v}？"]
# fmt: on
ALL_TERMS = [t for ts in TERMS.values() for t in ts]


@dataclass
class GeneratedPage:
    path: str
    html: bytes
    content_type: str


def _sentence(rng: random.Random, scene: str) -> str:
    t1, t2 = rng.sample(TERMS[scene], 2)
    s, v = rng.choice(SUBJECTS), rng.choice(VERBS)
    forms = [f"符合条件的{s}可以{v}{t1}，相关部门应当在十五个工作日内完成审核并告知结果。",
             f"{t1}和{t2}的具体标准由各区结合实际制定，并向社会公布。",
             f"对{s}{v}{t1}的，按照规定给予每年最高{rng.randint(1, 30)}万元的支持。",
             f"各单位应当加强{t1}工作的组织协调，做好{t2}等配套服务。",
             f"{s}{v}{t2}时，应当提交身份证明、劳动合同和{t1}相关材料。"]  # fmt: skip
    return rng.choice(forms)


def _body(rng: random.Random, scene: str, chars: int = 1700) -> list[str]:
    paras, n, i = [], 0, 1
    while n < chars:
        para = f"第{_cn(i)}条　" + "".join(_sentence(rng, scene) for _ in range(rng.randint(2, 4)))
        paras.append(para)
        n += len(para)
        i += 1
    return paras


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return ("十" if n < 20 else digits[n // 10] + "十") + (digits[n % 10] if n % 10 else "")


def generate_pages(n: int, seed: int) -> list[GeneratedPage]:
    """n pages of the workload of seed (the same n and seed give the same bytes)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        scene = rng.choice(list(TERMS))
        agency_i = rng.randrange(len(AGENCIES))
        year = rng.randint(2016, 2025)
        date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        title = f"{AGENCIES[agency_i]}关于{rng.choice(TERMS[scene])}{rng.choice(DOC_TYPES)}的通知"
        number = f"{PREFIXES[agency_i]}〔{year}〕{rng.randint(1, 99)}号"
        paras = _body(rng, scene)
        template = rng.choice(_TEMPLATES)
        html, ctype = template(title, number, AGENCIES[agency_i], date, paras)
        path = f"{date:%Y%m}/t{date:%Y%m%d}_{seed}{i:06d}.html"
        out.append(GeneratedPage(path, html, ctype))
    return out


def _gov_library(title, number, agency, date, paras):
    body = "".join(f"<p>{escape(p)}</p>" for p in paras)
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{escape(title)}_国务院部门文件</title>
</head>
<body><div class="header"><a href="/">首页</a> <a href="/zhengce/">政策</a></div>
<table class="bd1"><tr><td>发文机关：</td><td>{agency}</td><td>发文字号：</td><td>{number}</td></tr>
<tr><td>标　　题：</td><td colspan="3">{escape(title)}</td></tr>
<tr><td>发布日期：</td><td>{date}</td></tr></table>
<div id="UCAP-CONTENT">{body}</div><div class="footer">版权所有 网站标识码</div></body></html>"""
    return html.encode("utf-8"), "text/html; charset=utf-8"


def _bj_list(title, number, agency, date, paras):
    body = "".join(f"<p>{escape(p)}</p>" for p in paras)
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{escape(title)}_北京市人民政府</title>
</head>
<body><div class="nav"><a href="/">首页</a><a href="/zhengce/">政策文件</a></div>
<div class="doc-info"><ol>
<li>[标题] {escape(title)}</li><li>[发文机构] {agency}</li><li>[发文字号] {number}</li>
<li>[发布日期] {date:%Y年%m月%d日}</li></ol></div><div id="mainText">{body}</div>
<div class="share">分享到：</div><div class="footer">主办：北京市人民政府办公厅</div>
</body></html>"""
    return html.encode("utf-8"), "text/html"


def _bureau_gbk(title, number, agency, date, paras):
    body = "".join(f"<p>{escape(p)}</p>" for p in paras)
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{escape(title)}</title></head><body><table width="900">
<tr><td class="biaoti">{escape(title)}</td></tr>
<tr><td>发布时间：{date} 来源：{agency}</td></tr><tr><td id="zoom"><p>{number}</p>{body}
<p>{agency}</p><p>{date:%Y年%m月%d日}</p></td></tr></table><div>【打印本页】【关闭窗口】</div></body></html>"""
    return html.encode("gb18030"), "text/html"


def _news(title, number, agency, date, paras):
    body = "".join(f"<p>{escape(p)}</p>" for p in paras[:4])
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}_新闻</title>
</head>
<body><header><a href="/">首页</a></header><h1>{escape(title)}</h1>
<div class="info">{date:%Y年%m月%d日} 09:30 | 来源：{agency}</div>
<div class="article-content">{body}</div>
<div class="related"><a href="/a.html">相关新闻一</a><a href="/b.html">相关新闻二</a></div>
</body></html>"""
    return html.encode("utf-8"), "text/html; charset=utf-8"


def _guide(title, number, agency, date, paras):
    rows = "".join(f"<tr><th>{k}</th><td>{escape(v)}</td></tr>" for k, v in (
        ("实施主体", agency), ("办理对象", "在京工作的外籍人才及其用人单位"),
        ("申请材料", "1.申请表；2.护照；3.劳动合同"), ("办理地点", "北京市政务服务中心"),
        ("咨询电话", "010-12345678"), ("办理时限", "10个工作日")))  # fmt: skip
    body = "".join(f"<p>{escape(p)}</p>" for p in paras[:3])
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>
</head><body><h1>{escape(title)}办事指南</h1><p class="info">更新日期：{date}</p>
<table class="guide-table">{rows}</table>
<div class="guide-content">{body}</div></body></html>"""
    return html.encode("utf-8"), "text/html; charset=utf-8"


_TEMPLATES = [_gov_library, _bj_list, _bureau_gbk, _news, _guide]


def write_site(folder: Path, n: int, seed: int) -> list[GeneratedPage]:
    pages = generate_pages(n, seed)
    for p in pages:
        target = folder / p.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(p.html)
    return pages


@dataclass(frozen=True)
class Query:
    q: str
    region: str | None = None
    scenario: str | None = None


def generate_queries(n: int, seed: int, long_share: float = 0.15,
                     filter_share: float = 0.2) -> list[Query]:  # fmt: skip
    """n queries: 1-4 terms by a Zipf law over the vocabulary (a few common, many rare), some
    with a region or scene filter, long_share of them long questions."""
    rng = random.Random(seed * 7919)
    ranked = ALL_TERMS[:]
    rng.shuffle(ranked)
    weights = [1 / (r + 1) for r in range(len(ranked))]
    out = []
    for _ in range(n):
        if rng.random() < long_share:
            t, t2 = rng.choices(ranked, weights, k=2)
            form = rng.choice(QUESTION_FORMS)
            q = form.format(s=rng.choice(SUBJECTS), v=rng.choice(VERBS), t=t, t2=t2)
        else:
            q = " ".join(dict.fromkeys(rng.choices(ranked, weights, k=rng.randint(1, 4))))
        region = rng.choice(REGIONS) if rng.random() < filter_share else None
        scenario = rng.choice(list(TERMS)) if rng.random() < filter_share / 2 else None
        out.append(Query(q, region, scenario))
    return out
