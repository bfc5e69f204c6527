"""One policy published on several pages is indexed once, with its alternate URLs."""

from conftest import build_index, make_doc, put
from indexer.build import build
from indexer.store import DocumentStore
from search_app import create_app

BODY = "\n".join(
    f"第{n}条　关于外籍人才服务站办理工作许可和居留许可的第{n}项具体规定，"
    "申请人应当提交护照等材料。"
    for n in "一二三四五六七八九十"
)


def _search(paths, q="服务站"):
    client = create_app(paths.root, {"TESTING": True}).test_client()
    return client, client.get("/api/search", query_string={"q": q}).get_json()


def test_same_doc_number_on_two_sites_is_one_result(small_data):
    a = make_doc(
        1,
        url="https://www.beijing.gov.cn/zhengce/a.html",
        doc_number="京政发〔2022〕9号",
        text=BODY,
    )
    b = make_doc(
        2,
        url="https://rsj.beijing.gov.cn/xxgk/copy-of-a.html",
        doc_number="京政发〔2022〕9号",
        text=BODY + "\n（转载自首都之窗）",
    )
    translation = make_doc(
        3,
        url="https://english.beijing.gov.cn/a.html",
        doc_number="京政发〔2022〕9号",
        lang="en",
        kind="translation",
        title="Service stations",
        text="Service stations " * 30,
    )
    build_index(small_data, [a, b, translation])
    client, body = _search(small_data)
    assert body["total"] == 1
    doc = client.get(f"/api/policies/{body['results'][0]['id']}").get_json()
    assert doc["url"] == a.url and doc["alternate_urls"] == [b.url]
    english = client.get("/api/search?q=service stations").get_json()
    assert translation.id in [r["id"] for r in english["results"]]  # the translation is not a copy


def test_near_identical_text_without_a_number_is_collapsed(small_data):
    a = make_doc(1, url="https://a.example/x.html", text=BODY)
    b = make_doc(
        2,
        url="https://b.example/mirror/x.html",
        text=BODY
        + "\n第十一条　本办法自发布之日起施行，有效期五年，由区人力资源和社会保障局负责解释。",
    )
    c = make_doc(
        3,
        url="https://c.example/other.html",
        text=BODY.replace("工作许可", "子女入学").replace("服务站", "学校"),
    )
    build_index(small_data, [a, b, c])
    _, body = _search(small_data, "护照")
    assert body["total"] == 2


def test_a_copy_arriving_later_joins_its_canonical(small_data):
    a = make_doc(
        1, url="https://www.beijing.gov.cn/a.html", doc_number="京政发〔2022〕9号", text=BODY
    )
    build_index(small_data, [a])
    b = make_doc(
        2, url="https://www.beijing.gov.cn/mobile/a.html", doc_number="京政发〔2022〕9号", text=BODY
    )
    with DocumentStore(small_data.store) as store:
        put(store, b)
        build(store, small_data.index_root, small_data.lock)
    client, body = _search(small_data)
    assert body["total"] == 1
    doc = client.get(f"/api/policies/{body['results'][0]['id']}").get_json()
    assert doc["alternate_urls"] == [b.url] or doc["url"] == b.url
