"""Emulated government CMSs on the loopback test server, written for these tests: TRS WCM, Hanweb,
JSON list APIs, sitemaps, feeds, a plain site, and a listing that exists only after its script runs.

Each builder adds its routes to a conftest Site and returns the URLs of every document it serves,
so a test can check that the crawler reached all of them, not only those of page one."""

from __future__ import annotations

import gzip
import json
import math
from urllib.parse import parse_qsl, urlsplit

from test_crawl import policy_page

HTML = "text/html; charset=utf-8"


def doc_page(n: int) -> str:
    return policy_page(f"外籍人才服务政策第{n}号", f"第一条　第{n}项外籍人才服务措施的规定。",
                       number=f"京政发〔2024〕{n}号")  # fmt: skip


def date_of(n: int) -> str:
    return f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}"


def trs_name(n: int, suffix: str = "html") -> str:
    """A TRS article: YYYYMM/tYYYYMMDD_N.html below its column folder."""
    d = date_of(n).replace("-", "")
    return f"{d[:6]}/t{d}_{n}.{suffix}"


def _li(href: str, n: int) -> str:
    return (f'<li><a href="{href}" title="外籍人才服务政策第{n}号" target="_blank">外籍人才服务政策'
            f"第{n}号</a><span>{date_of(n)}</span></li>")  # fmt: skip


def _list_page(items: list[str], script: str = "", extra: str = "") -> str:
    return (f'<html><head><meta charset="utf-8"><title>政策文件</title></head><body>'
            f'<div class="nav"><a href="/">首页</a><a href="/about/">机构</a></div>'
            f'<ul class="list">{"".join(items)}</ul>{extra}'
            f'<div class="page"><script>{script}</script></div></body></html>')  # fmt: skip


def _pages(numbers: list[int], per_page: int) -> list[list[int]]:
    return [numbers[i : i + per_page] for i in range(0, len(numbers), per_page)] or [[]]


def trs(site, folder: str, numbers: list[int], per_page: int = 4, doc=trs_name,
        prefix: str | None = None) -> list[str]:  # fmt: skip
    """TRS WCM: page one at FOLDER (and FOLDER/index.html), then index_1.html … written only by a
    createPageHTML call. With prefix, the pages are PREFIX_1.html … and no script names them (the
    walker counts until one is missing). Newest first: numbers in the order listed."""
    pages = _pages(numbers, per_page)
    urls = []
    site.add(folder.rstrip("/"), b"", status=301, headers={"Location": folder})
    for k, page in enumerate(pages):
        for n in page:
            site.add(folder + doc(n), doc_page(n))
            urls.append(site.base + folder + doc(n))
        items = [_li("./" + doc(n), n) for n in page]
        script = "" if prefix else f'createPageHTML({len(pages)}, {k}, "index", "html");'
        body = _list_page(items, script)
        name = "index.html" if k == 0 else f"{prefix or 'index'}_{k}.html"
        site.add(folder + name, body)
        if k == 0:
            site.add(folder, body)
    return urls


def hanweb(site, column: int = 1234, unit: int = 5678, total: int = 40, shown: int = 15) -> list:
    """Hanweb: a column page whose first records sit as CDATA in a text/xml datastore; the
    rest come from the dataproxy, posted the column's parameters as a form (as its script does)."""
    name = f"/col/col{column}/index.html"
    urls = [f"{site.base}/art/2024/1/{n % 28 + 1}/art_{column}_{n}.html" for n in range(total)]
    for n, url in enumerate(urls):
        site.add(urlsplit(url).path, doc_page(5000 + n))

    def record(n: int) -> str:
        return f"<record><![CDATA[{_li(urlsplit(urls[n]).path, 5000 + n)}]]></record>"

    proxy = (f"/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid={column}"
             f"&unitid={unit}&webname=test&permissiontype=0")  # fmt: skip
    store = (f'<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{proxy}"></a>]]>'
             f"</nextgroup><recordset>{''.join(record(n) for n in range(shown))}</recordset>"
             f"</datastore></script>")  # fmt: skip
    site.add(name, _list_page([], extra=store))

    def dataproxy(req):
        form = dict(parse_qsl(req.rfile.read(int(req.headers.get("Content-Length", 0))).decode()))
        query = dict(parse_qsl(urlsplit(req.path).query))
        if req.command != "POST" or form.get("columnid") != str(column):
            return 400, {"Content-Type": HTML}, b"<html>bad request</html>"
        start, end = int(query["startrecord"]), int(query["endrecord"])
        body = (f"<datastore><totalrecord>{total}</totalrecord><recordset>"
                f"{''.join(record(n - 1) for n in range(start, min(end, total) + 1))}"
                f"</recordset></datastore>")  # fmt: skip
        return 200, {"Content-Type": "text/xml; charset=utf-8"}, body

    site.add_prefix("/module/web/jpage/dataproxy.jsp", dataproxy)
    return urls


def json_api(site, path: str, total: int = 45, post: bool = False) -> list[str]:
    """A JSON list API. GET (p, n in the query): the State Council library's shape, items grouped
    by category under searchVO.catMap. POST ({"pageNum", "pageSize"}): data.list of items."""
    urls = [f"{site.base}/zhengce/content/2024-01/content_{700000 + n}.htm" for n in range(total)]
    for n, url in enumerate(urls):
        site.add(urlsplit(url).path, doc_page(7000 + n))

    def item(n: int) -> dict:
        return {"title": f"文件{n}", "url": urls[n], "pubtimeStr": date_of(n).replace("-", ".")}

    def answer(req):
        if post:
            asked = json.loads(req.rfile.read(int(req.headers["Content-Length"])))
            page, size = int(asked["pageNum"]), int(asked["pageSize"])
        else:
            query = dict(parse_qsl(urlsplit(req.path).query))
            page, size = int(query["p"]), int(query["n"])
        chunk = [item(n) for n in range((page - 1) * size, min(page * size, total))]
        if post:
            data = {"code": 200, "data": {"total": total, "list": chunk}}
        else:
            half = len(chunk) // 2
            data = {
                "searchVO": {
                    "totalCount": total,
                    "catMap": {
                        "gongwen": {"listVO": chunk[:half]},
                        "bumenfile": {"listVO": chunk[half:]},
                    },
                }
            }
        return 200, {"Content-Type": "application/json"}, json.dumps(data, ensure_ascii=False)

    site.add_prefix(path, answer)
    return urls


def sitemaps(site, total: int = 30) -> list[str]:
    """robots.txt announces a sitemap index; it names two sitemaps, one served gzipped."""
    urls = [f"{site.base}/policy/{n}.html" for n in range(total)]
    for n, url in enumerate(urls):
        site.add(urlsplit(url).path, doc_page(9000 + n))

    def urlset(chunk):
        rows = "".join(f"<url><loc>{u}</loc><lastmod>2024-01-0{i % 9 + 1}</lastmod></url>"
                       for i, u in enumerate(chunk))  # fmt: skip
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
                f'schemas/sitemap/0.9">{rows}</urlset>').encode()  # fmt: skip

    half = total // 2
    site.add("/sitemap-a.xml", urlset(urls[:half]), ctype="application/xml")
    site.add("/sitemap-b.xml.gz", gzip.compress(urlset(urls[half:])), ctype="application/gzip")
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/'
             f'0.9"><sitemap><loc>{site.base}/sitemap-a.xml</loc></sitemap><sitemap><loc>'
             f"{site.base}/sitemap-b.xml.gz</loc></sitemap></sitemapindex>")  # fmt: skip
    site.add("/sitemap_index.xml", index, ctype="application/xml")
    site.add("/robots.txt", f"User-agent: *\nSitemap: {site.base}/sitemap_index.xml\n",
             ctype="text/plain")  # fmt: skip
    return urls


def feed(site, total: int = 25, per_page: int = 10) -> list[str]:
    """An Atom feed in pages: each names the next with rel="next" (RFC 5005)."""
    urls = [f"{site.base}/news/{n}.html" for n in range(total)]
    for n, url in enumerate(urls):
        site.add(urlsplit(url).path, doc_page(11000 + n))
    pages = _pages(list(range(total)), per_page)
    for k, page in enumerate(pages):
        nxt = f'<link rel="next" href="/feed-{k + 1}.xml"/>' if k + 1 < len(pages) else ""
        entries = "".join(f"<entry><title>政策{n}</title><link href=\"{urls[n]}\"/><id>{urls[n]}"
                          f"</id><updated>{date_of(n)}T00:00:00Z</updated></entry>"
                          for n in page)  # fmt: skip
        body = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>政策</title><id>{site.base}/feed</id>{nxt}{entries}</feed>")  # fmt: skip
        site.add("/feed.xml" if k == 0 else f"/feed-{k}.xml", body, ctype="application/atom+xml")
    return urls


def plain(site, home: str = "/", doc=lambda n: f"/affair/file/{n:032x}.html") -> list[str]:
    """A site the links strategy reads unconfigured: anchors on the home page, further pages only
    in a createPageHTML call, a page whose list is a Hanweb datastore, and documents linked
    nowhere but in the sitemap robots.txt announces."""
    numbers = list(range(300, 312))
    site.add("/about/", '<html><body><p>机构职能</p><a href="/">首页</a></body></html>')
    site.add("/about", b"", status=301, headers={"Location": "/about/"})
    for n in numbers:
        site.add(doc(n), doc_page(n))
    folder = home if home.endswith("/") else home + "/"
    items = [_li(doc(n), n) for n in numbers[:3]]
    site.add(home, _list_page(items, 'createPageHTML(3, 0, "index", "html");'))
    site.add(folder + "index_1.html",
             _list_page([_li(doc(n), n) for n in numbers[3:6]],
                        'createPageHTML(3, 1, "index", "html");'))  # fmt: skip
    records = "".join(f"<record><![CDATA[{_li(doc(n), n)}]]></record>" for n in numbers[6:9])
    site.add(folder + "index_2.html", _list_page([], 'createPageHTML(3, 2, "index", "html");',
             f'<script type="text/xml"><datastore><recordset>{records}</recordset></datastore>'
             "</script>"))  # fmt: skip
    rows = "".join(f"<url><loc>{site.base}{doc(n)}</loc></url>" for n in numbers[9:])
    site.add("/sitemap.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
             f'schemas/sitemap/0.9">{rows}</urlset>', ctype="application/xml")  # fmt: skip
    robots = f"User-agent: *\nDisallow: /private/\nSitemap: {site.base}/sitemap.xml\n"
    site.add("/robots.txt", robots, ctype="text/plain")
    return [site.base + doc(n) for n in numbers]


RENDERED = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>政策列表</title></head><body>
<img src="/logo.png" alt=""><ul id="list"></ul><button id="next" type="button">下一页</button>
<script>
let page = 1;
async function show() {
  const r = await fetch('/api/items?page=' + page);
  const data = await r.json();
  document.getElementById('list').innerHTML = data.items.map(
    d => '<li><a href="' + d.href + '">' + d.title + '</a></li>').join('');
  document.getElementById('next').disabled = !data.more;
  fetch('http://localhost:' + location.port + '/track');  // same server, another host: blocked
}
document.getElementById('next').addEventListener('click', () => { page += 1; show(); });
show();
</script></body></html>"""


def rendered(site, total: int = 14, per_page: int = 5) -> list[str]:
    """A listing with no links in its HTML: a script fetches each page of items as JSON."""
    urls = [f"{site.base}/doc/{n}.html" for n in range(total)]
    for n, url in enumerate(urls):
        site.add(urlsplit(url).path, doc_page(13000 + n))
    site.add("/list.html", RENDERED)
    pages = math.ceil(total / per_page)

    def items(req):
        page = int(dict(parse_qsl(urlsplit(req.path).query))["page"])
        chunk = [{"href": f"/doc/{n}.html", "title": f"政策{n}"}
                 for n in range((page - 1) * per_page, min(page * per_page, total))]  # fmt: skip
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"items": chunk, "more": page < pages})  # fmt: skip

    site.add_prefix("/api/items", items)
    return urls
