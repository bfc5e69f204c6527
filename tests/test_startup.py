"""A command-line search starts light: no web framework, no crawler, and jieba's main dictionary
read word by word from disk rather than loaded whole, with the same segmentation (counted and
compared, not timed)."""

import json
import subprocess
import sys
import tempfile

import jieba

from devtools.evaluation import JUDGMENTS, load
from indexer import jieba_disk
from indexer.analysis import DEFAULT_USER_DICT, jieba_tokenizer

SENTENCES = [
    "外籍人才申请人才公寓需要什么材料",
    "望京国际人才社区子女入学政策",
    "北京市人力资源和社会保障局关于外国人来华工作许可的通知",
    "租房补贴怎么领？多长时间能到账",
    "京人社发〔2018〕45号 解读",
    "孩子上学 国际学校 学费",
]


def test_segmentation_from_disk_is_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a copy of its own, made here
    disk = jieba_disk.tokenizer(jieba)
    assert list(tmp_path.glob("policy-index-jieba-*.sqlite3"))
    with open(DEFAULT_USER_DICT, "rb") as fh:
        disk.load_userdict(fh)
    memory = jieba_tokenizer(DEFAULT_USER_DICT)
    assert isinstance(disk.FREQ, jieba_disk.DiskFreq) and isinstance(memory.FREQ, dict)
    assert disk.total == memory.total
    texts = SENTENCES + [q["q"] for q in load(JUDGMENTS)]
    for text in texts:
        for hmm in (True, False):
            assert list(disk.cut(text, HMM=hmm)) == list(memory.cut(text, HMM=hmm)), text
        assert list(disk.cut_for_search(text)) == list(memory.cut_for_search(text)), text
    assert disk.FREQ.get("人才公寓") == memory.FREQ.get("人才公寓")
    assert disk.FREQ.get("没有这个词的词") is None and "没有这个词的词" not in disk.FREQ
    assert len(texts) > 100


def test_a_command_line_search_loads_no_web_framework_or_crawler(sample_data):
    code = (
        "import json, sys\n"
        "from search_app.cli import main\n"
        f"main(['search', '人才公寓', '--data', {str(sample_data.root)!r}],"
        " standalone_mode=False)\n"
        "from indexer.analysis import DEFAULT_USER_DICT, jieba_tokenizer\n"
        "freq = type(jieba_tokenizer(DEFAULT_USER_DICT).FREQ).__name__\n"
        "loaded = [m for m in ('flask', 'indexer.pipeline', 'indexer.crawl', 'pkg_resources')"
        " if m in sys.modules]\n"
        "print('STARTUP ' + json.dumps({'freq': freq, 'loaded': loaded}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "results for '人才公寓'" in out.stdout
    found = json.loads(out.stdout.split("STARTUP ", 1)[1])
    assert found == {"freq": "DiskFreq", "loaded": []}
