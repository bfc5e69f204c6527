"""Render the sample corpus sources into HTML pages in six government-site templates."""

from __future__ import annotations

import hashlib
import json
import shutil
from html import escape
from pathlib import Path

from indexer.fields import clean_agency, normalize_doc_number

from .corpus_src import SampleDoc, load_sources

PAGE_SIZE = 20
GROUP_SITES = {
    "national": ("中国政府网", "国务院部门文件"),
    "beijing": ("首都之窗_北京市人民政府门户网站", "政策文件"),
    "wangjing": ("北京市朝阳区人民政府", "政策文件"),
    "zgc": ("北京市海淀区人民政府", "政策文件"),
    "future-science-city": ("北京市昌平区人民政府", "政策文件"),
    "new-shougang": ("北京市石景山区人民政府", "政策文件"),
    "tongzhou": ("北京市通州区人民政府", "政策文件"),
    "shunyi": ("北京市顺义区人民政府", "政策文件"),
    "huairou": ("北京市怀柔区人民政府", "政策文件"),
    "bda": ("北京经济技术开发区", "政策文件"),
}
MEDIA = ("北京日报", "北京晚报", "新京报", "人民网")
_BRACKETS = ("〔〕", "[]", "［］", "【】", "()", "（）")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_CN_DIGITS = "〇一二三四五六七八九"


def _pick(slug: str, salt: str, n: int) -> int:
    """A deterministic choice in range(n) for one document."""
    return int(hashlib.sha1(f"{salt}:{slug}".encode()).hexdigest(), 16) % n


def display_doc_number(d: SampleDoc) -> str:
    """The canonical 发文字号 written the way this page's site writes it."""
    assert d.doc_number
    prefix, rest = d.doc_number.split("〔", 1)
    year, serial = rest.rstrip("号").split("〕")
    left, right = _BRACKETS[_pick(d.slug, "br", len(_BRACKETS))]
    style = _pick(d.slug, "dn", 4)
    if style == 1:
        serial = f"第{serial}"
    if style == 2:
        year, serial = year.translate(_FULLWIDTH), serial.translate(_FULLWIDTH)
    sep = " " if style == 3 else ""
    return f"{prefix}{sep}{left}{year}{right}{sep}{serial}号"


def _date(d, slug: str, salt: str) -> str:
    forms = (
        f"{d.year}-{d.month:02d}-{d.day:02d}",
        f"{d.year}年{d.month:02d}月{d.day:02d}日",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}/{d.month:02d}/{d.day:02d}",
    )
    return forms[_pick(slug, salt, len(forms))]


def _cn_date(d) -> str:
    def num(n: int) -> str:
        if n < 10:
            return _CN_DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")

    return "".join(_CN_DIGITS[int(c)] for c in str(d.year)) + f"年{num(d.month)}月{num(d.day)}日"


def _en_date(d) -> str:
    return d.strftime("%B ") + f"{d.day}, {d.year}"


def _paras(body: str) -> str:
    return "\n".join(f"<p>{escape(p.strip())}</p>" for p in body.split("\n\n") if p.strip())


class Site:
    """All sample documents with the URLs of their pages, ready to render."""

    def __init__(self, docs: list[SampleDoc]):
        self.docs = sorted(docs, key=lambda d: (d.group, d.slug))
        self.by_slug = {d.slug: d for d in self.docs}
        self.explained_by: dict[str, list[SampleDoc]] = {}
        for d in self.docs:
            if d.explains:
                self.explained_by.setdefault(d.explains, []).append(d)

    @staticmethod
    def path(d: SampleDoc) -> str:
        return f"{d.group}/{d.slug}.html"

    def href(self, slug: str) -> str:
        return "../" + self.path(self.by_slug[slug])

    def expired_notice(self, d: SampleDoc) -> str:
        if d.status != "expired" or not d.replaced_by:
            return ""
        new = self.by_slug[d.replaced_by]
        if d.lang == "en":
            return (
                f'<p class="notice">This document has been superseded. Current version: '
                f'<a href="{self.href(new.slug)}">{escape(new.title)}</a></p>'
            )
        return (
            f'<p class="notice">本文件已废止，现行文件：<a href="{self.href(new.slug)}">'
            f"《{escape(new.title)}》</a></p>"
        )

    def related(self, d: SampleDoc) -> str:
        items = []
        for o in self.explained_by.get(d.slug, []):
            label = {
                "interpretation": "政策解读",
                "guide": "办事指南",
                "translation": "English version",
            }[o.kind]
            if o.kind == "guide" and o.lang == "en":
                label = "English guide"
            items.append(f'<li>{label}：<a href="{self.href(o.slug)}">{escape(o.title)}</a></li>')
        return (
            f'<div class="related"><h3>相关链接</h3><ul>{"".join(items)}</ul></div>'
            if items
            else ""
        )

    def original(self, d: SampleDoc) -> str:
        if not d.explains:
            return ""
        o = self.by_slug[d.explains]
        if d.lang == "en":
            label = "Chinese original" if d.kind == "translation" else "Related policy"
            return (
                f'<p class="original">{label}: <a href="{self.href(o.slug)}">'
                f"{escape(o.title)}</a></p>"
            )
        return (
            f'<p class="original">相关文件：<a href="{self.href(o.slug)}">'
            f"《{escape(o.title)}》</a></p>"
        )

    def english(self, d: SampleDoc) -> str:
        parts = []
        if d.title_en:
            parts.append(f'<p class="title-en" lang="en">{escape(d.title_en)}</p>')
        if d.summary_en:
            parts.append(f'<p class="summary-en" lang="en">{escape(d.summary_en)}</p>')
        return f'<div class="en-abstract">{"".join(parts)}</div>' if parts else ""

    # ---- expected output ------------------------------------------------------------------
    def expected(self, d: SampleDoc) -> dict:
        """The fields a correct normalizer extracts from this document's page."""
        agency = clean_agency(d.agency)
        if d.template == "news" and _pick(d.slug, "media", 3) == 0:
            agency = None  # the page names a newspaper as its source: not an issuing agency
        status = d.status
        if d.status == "in_force" and d.template not in ("gov-library", "bj-list"):
            status = "unknown"  # these templates say nothing about validity
        return {
            "slug": d.slug,
            "path": self.path(d),
            "title": d.title,
            "doc_number": normalize_doc_number(d.doc_number) if d.doc_number else None,
            "agency": agency,
            "publish_date": d.publish_date.isoformat(),
            "written_date": d.written_date.isoformat()
            if d.template in ("gov-library", "bj-list", "bureau-gbk") and d.kind == "policy"
            else None,
            "lang": d.lang,
            "status": status,
            "kind": d.kind,
            "regions": d.regions,
            "scenarios": d.scenarios,
            "template": d.template,
            "explains": self.path(self.by_slug[d.explains]) if d.explains else None,
            "replaced_by": self.path(self.by_slug[d.replaced_by]) if d.replaced_by else None,
        }

    # ---- templates -------------------------------------------------------------------------
    def render(self, d: SampleDoc) -> bytes:
        html = getattr(self, "_t_" + d.template.replace("-", "_"))(d)
        if d.template == "bureau-gbk":
            return html.encode("gb18030")
        return html.encode("utf-8")

    def _head(
        self, title: str, extra: str = "", charset: str = "utf-8", lang: str = "zh-CN"
    ) -> str:
        meta = (
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            if charset != "utf-8"
            else '<meta charset="utf-8">'
        )
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n{meta}\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="policy-index:sample" content="true">\n{extra}'
            f"<title>{escape(title)}</title>\n</head>\n"
        )

    def _t_gov_library(self, d: SampleDoc) -> str:
        site, channel = GROUP_SITES[d.group]
        dn = display_doc_number(d) if d.doc_number else ""
        written, pub = _date(d.written_date, d.slug, "w"), _date(d.publish_date, d.slug, "p")
        valid = "失效" if d.status == "expired" else "有效"
        meta = (
            f'<meta name="ArticleTitle" content="{escape(d.title)}">\n'
            f'<meta name="PubDate" content="{d.publish_date.isoformat()} 09:30">\n'
            f'<meta name="ContentSource" content="{escape(d.agency)}">\n'
        )
        rows = [
            ("标　　题：", d.title),
            ("发文机关：", d.agency),
            ("成文日期：", written),
            ("发文字号：", dn),
            ("发布日期：", pub),
            ("主题分类：", "综合政务"),
            ("有 效 性：", valid),
        ]
        table = (
            f'<table class="bd1" cellpadding="0" cellspacing="0">'
            f'<tr><td class="label">{rows[0][0]}</td><td colspan="3">{escape(d.title)}</td></tr>'
            f"<tr><td>{rows[1][0]}</td><td>{escape(d.agency)}</td><td>{rows[2][0]}</td><td>{written}</td></tr>"
            f"<tr><td>{rows[3][0]}</td><td>{escape(dn)}</td><td>{rows[4][0]}</td><td>{pub}</td></tr>"
            f"<tr><td>{rows[5][0]}</td><td>{rows[5][1]}</td><td>{rows[6][0]}</td><td>{valid}</td></tr>"
            f"</table>"
        )
        mobile = "".join(f"<li>{k}{escape(v)}</li>" for k, v in rows)
        return (
            self._head(f"{d.title}_{channel}_{site}", meta)
            + '<body>\n<div class="header"><a href="../index.html">首页</a> | 政策 | '
            "政策文件库</div>\n"
            f'<div class="sample-mark">样例文件（演示用，非官方发布） Sample document</div>\n'
            f'<div class="policyLibraryOverview_header">{table}{self.english(d)}</div>\n'
            f'<ul class="mobile_overview">{mobile}</ul>\n'
            f'<div class="article"><h1>{escape(d.title)}</h1>\n'
            f'<div id="UCAP-CONTENT" class="pages_content">\n{self.expired_notice(d)}'
            f"{_paras(d.body)}\n</div></div>\n{self.related(d)}\n"
            f'<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>\n'
            f'<div class="print">【<a href="#">打印本页</a>】【<a href="#">关闭窗口</a>】</div>\n'
            f'<div class="footer">主办单位：国务院办公厅　运行维护单位：中国政府网运行中心<br>'
            f"版权所有：中国政府网　网站标识码：bm01000001</div>\n</body>\n</html>\n"
        )

    def _t_bj_list(self, d: SampleDoc) -> str:
        site, channel = GROUP_SITES[d.group]
        dn = display_doc_number(d) if d.doc_number else ""
        valid = "失效" if d.status == "expired" else "有效"
        items = [
            ("[标　　题]", d.title),
            ("[成文日期]", _date(d.written_date, d.slug, "w")),
            ("[发文机构]", d.agency),
            ("[发文字号]", dn),
            ("[发布日期]", _date(d.publish_date, d.slug, "p")),
            ("[主题分类]", "综合政务"),
            ("[有 效 性]", valid),
        ]
        lis = "".join(
            f'<li><span class="key">{k}</span> <span>{escape(v)}</span></li>' for k, v in items if v
        )
        return (
            self._head(f"{d.title}_{channel}_{site}")
            + '<body>\n<div class="header"><a href="../index.html">首页</a> &gt; '
            "政务公开 &gt; 政策文件</div>\n"
            f'<div class="sample-mark">样例文件（演示用，非官方发布） Sample document</div>\n'
            f'<div class="container"><div class="doc-info"><ol>{lis}</ol>{self.english(d)}</div>\n'
            f'<div class="article"><h1 class="title">{escape(d.title)}</h1>\n'
            f'<div id="mainText" class="view TRS_UEDITOR">\n'
            f"{self.expired_notice(d)}{_paras(d.body)}\n"
            f"</div></div>\n{self.related(d)}</div>\n"
            f'<div class="share-bar">分享到：微信 微博</div>\n'
            f'<div class="print-bar"><a href="#">打印</a> <a href="#">关闭</a></div>\n'
            f'<div class="footer">主办：{escape(site.split("_")[-1])}　'
            "网站标识码：1100000088　京公网安备 11010502000000号</div>\n"
            f"</body>\n</html>\n"
        )

    def _t_bureau_gbk(self, d: SampleDoc) -> str:
        site, _ = GROUP_SITES[d.group]
        dn = f'<p align="center">{escape(display_doc_number(d))}</p>' if d.doc_number else ""
        sig = (
            f'<p align="right">{escape(d.agency)}</p>'
            f'<p align="right">{_cn_date(d.written_date)}</p>'
            if d.kind == "policy"
            else ""
        )
        return (
            self._head(d.title, charset="gb2312")
            + '<body>\n<table width="980" border="0" align="center" '
            'cellpadding="0" cellspacing="0">\n'
            f'<tr><td class="top">{escape(site)} 政务信息</td></tr>\n'
            '<tr><td class="position">当前位置：<a href="../index.html">首页</a> &gt; '
            "通知公告</td></tr>\n"
            f'<tr><td class="sample-mark">样例文件（演示用，非官方发布）</td></tr>\n'
            f'<tr><td class="biaoti" align="center"><b>{escape(d.title)}</b></td></tr>\n'
            '<tr><td class="time" align="center">'
            f"发布时间：{_date(d.publish_date, d.slug, 'p')}&nbsp;&nbsp;"
            f"来源：{escape(d.agency)}&nbsp;&nbsp;"
            f"浏览次数：{100 + _pick(d.slug, 'v', 900)}</td></tr>\n"
            '<tr><td class="zhengwen" id="zoom">\n'
            f"{self.expired_notice(d)}{dn}{_paras(d.body)}\n{sig}</td></tr>\n"
            f"<tr><td>{self.related(d)}</td></tr>\n"
            f'<tr><td class="bottom">【<a href="javascript:window.print()">打印本页</a>】'
            f'【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>\n'
            f'<tr><td class="footer">版权所有：{escape(site)}　技术支持：区政务服务中心</td></tr>\n'
            f"</table>\n</body>\n</html>\n"
        )

    def _t_news(self, d: SampleDoc) -> str:
        site, _ = GROUP_SITES[d.group]
        source = (
            MEDIA[_pick(d.slug, "m", len(MEDIA))] if _pick(d.slug, "media", 3) == 0 else d.agency
        )
        body = _paras(d.body)
        # This template prints the article twice: once for desktop and once (hidden) for phones.
        return (
            self._head(f"{d.title}_政策解读_{site}")
            + f'<body>\n<div class="header"><a href="../index.html">首页</a></div>\n'
            f'<div class="crumbs">当前位置：首页 &gt; 政策解读</div>\n'
            f'<div class="sample-mark">样例文件（演示用，非官方发布） Sample document</div>\n'
            f'<div class="news"><h1>{escape(d.title)}</h1>\n'
            f'<div class="info"><span>来源：{escape(source)}</span> '
            f"<span>发布时间：{d.publish_date.isoformat()} "
            f"10:{_pick(d.slug, 'min', 50) + 10}</span> "
            f"<span>字号：大 中 小</span></div>\n"
            f'<div class="share">分享到：微信 微博 QQ空间</div>\n'
            '<div class="article-content">\n'
            f'<div class="TRS_Editor">{self.expired_notice(d)}{body}</div>\n'
            f'<div class="TRS_Editor print-copy">{body}</div>\n{self.original(d)}\n'
            f'<p class="editor">责任编辑：{"张王李赵刘"[_pick(d.slug, "ed", 5)]}编辑</p>\n'
            "</div>\n</div>\n"
            f'<div class="footer">版权所有 {escape(site)}</div>\n</body>\n</html>\n'
        )

    def _t_en_guide(self, d: SampleDoc) -> str:
        return (
            self._head(f"{d.title} | Beijing International", lang="en")
            + '<body>\n<div class="header"><a href="../index.html">Home</a> &gt; '
            "Policies &gt; Guides</div>\n"
            '<div class="sample-mark">'
            "Sample document (for demonstration; not an official release)</div>\n"
            f'<div class="article"><h1>{escape(d.title)}</h1>\n'
            f'<div class="info"><span>Source: {escape(d.agency)}</span> | '
            f"<span>Updated: {_en_date(d.publish_date)}</span></div>\n"
            f'<div class="content">\n{self.expired_notice(d)}{_paras(d.body)}\n</div>\n'
            f"{self.original(d)}</div>\n{self.related(d)}\n"
            '<div class="footer">'
            "Copyright Beijing Municipal Government. All rights reserved.</div>\n"
            f"</body>\n</html>\n"
        )

    def _t_guide(self, d: SampleDoc) -> str:
        return (
            self._head(f"{d.title}_办事指南_北京市政务服务网")
            + f'<body>\n<div class="header"><a href="../index.html">首页</a> &gt; 办事指南</div>\n'
            f'<div class="sample-mark">样例文件（演示用，非官方发布） Sample document</div>\n'
            f'<h1 class="guide-title">{escape(d.title)}</h1>\n'
            f'<table class="guide-info"><tr><th>实施主体</th><td>{escape(d.agency)}</td>'
            f"<th>更新时间</th><td>{_date(d.publish_date, d.slug, 'p')}</td></tr></table>\n"
            f'<div class="guide-content">\n{self.expired_notice(d)}{_paras(d.body)}\n</div>\n'
            f"{self.original(d).replace('相关文件', '政策原文')}{self.related(d)}\n"
            f'<div class="footer">北京市政务服务管理局 主办</div>\n</body>\n</html>\n'
        )

    # ---- list pages ------------------------------------------------------------------------
    def list_pages(self, group: str) -> dict[str, str]:
        docs = sorted(
            (d for d in self.docs if d.group == group), key=lambda d: d.publish_date, reverse=True
        )
        pages = [docs[i : i + PAGE_SIZE] for i in range(0, len(docs), PAGE_SIZE)] or [[]]
        site, channel = GROUP_SITES[group]
        out = {}
        for n, chunk in enumerate(pages):
            name = "index.html" if n == 0 else f"index_{n}.html"
            items = "".join(
                f'<li><a href="{d.slug}.html">{escape(d.title)}</a>'
                f'<span class="date">{d.publish_date.isoformat()}</span></li>'
                for d in chunk
            )
            nav = ""
            if n + 1 < len(pages):
                nav += f'<a class="next" href="index_{n + 1}.html">下一页</a>'
            if n > 0:
                prev = "index.html" if n == 1 else f"index_{n - 1}.html"
                nav = f'<a class="prev" href="{prev}">上一页</a> ' + nav
            out[name] = (
                self._head(f"{channel}_{site}")
                + f'<body><h1>{escape(site)} {escape(channel)}</h1><ul class="list">{items}</ul>'
                f'<div class="pager">{nav}</div></body></html>\n'
            )
        return out


def render_site(src: Path, out: Path) -> dict:
    """Render every source document under src into out; returns the manifest written beside it."""
    docs, errors = load_sources(src)
    if errors:
        raise ValueError("sample corpus has problems:\n" + "\n".join(errors))
    site = Site(docs)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    manifest = {"documents": []}
    groups = sorted({d.group for d in site.docs})
    for d in site.docs:
        p = out / site.path(d)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(site.render(d))
        manifest["documents"].append(site.expected(d))
    for g in groups:
        for name, html in site.list_pages(g).items():
            (out / g / name).write_text(html, encoding="utf-8")
    links = "".join(
        f'<li><a href="{g}/index.html">{escape(" ".join(GROUP_SITES[g]))}</a></li>' for g in groups
    )
    (out / "index.html").write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>样例政策站点</title></head>"
        "<body><h1>policy-index 样例政策站点 Sample policy sites</h1>"
        f"<ul>{links}</ul></body></html>\n",
        encoding="utf-8",
    )
    (out / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    (out.parent / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest
