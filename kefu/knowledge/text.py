"""Chinese text handling for search: normalisation, word segmentation, synonyms.

``normalize`` folds the spellings a customer or agent may type into one form (Traditional -> Simplified,
full-width -> half-width, lower case) and ``tokenize`` cuts it into words with jieba plus the banking
user dictionary shipped in ``data/bank_dict.txt``, mapping every synonym to its group's canonical word
(``data/synonyms.txt``) so that 盗刷 and 被盗用 meet in the same posting list.

jieba takes ~0.7 s to load its dictionary, so one private ``jieba.Tokenizer`` is built lazily, once
per process, and shared (other apps keep the global jieba instance to themselves).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from functools import cache
from pathlib import Path

import jieba
import zhconv

# jieba installs its own stderr handler at DEBUG; its start-up chatter is not for the JSON logs.
jieba.setLogLevel(logging.WARNING)

DATA_DIR = Path(__file__).resolve().parent / "data"
BANK_DICT = DATA_DIR / "bank_dict.txt"
SYNONYMS = DATA_DIR / "synonyms.txt"

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space map to their half-width forms.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = 0x20
_SPACES = re.compile(r"\s+")
_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u9fff\u2160-\u216b]")

# Function words that carry no meaning for retrieval (kept short on purpose: 不/没 change meaning).
_STOPWORD_TEXT = (
    "的 了 是 我 你 您 他 她 它 们 我们 你们 吗 呢 吧 啊 呀 哦 嗯 么 在 和 与 及 或 就 都 也 还 又 很 "
    "这 那 这个 那个 这样 那样 怎么 怎么办 怎样 如何 什么 哪里 哪儿 为什么 请问 请 一下 想 要 能 可以 "
    "是否 有 有没有 会 该 应该 需要 办 办理 一个 个 把 被 给 让 对 从 到 上 下 中 里 之 其 及其 等 "
    "哪些 哪个 多少 能不能 可不可以 行不行 是不是 最 "
    "怎么样 啥 咋 咋办 问 想问 问问 咨询 了解 知道 现在 目前 帮 帮我 麻烦 您好 你好 谢谢 人 些 一些 "
    "a an the of to is are how what i my"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split(" "))

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def normalize(text: str) -> str:
    """Traditional -> Simplified, full-width -> half-width, lower case, single spaces."""
    if not text:
        return ""
    text = text.translate(_WIDTH_TABLE)
    text = zhconv.convert(text, "zh-cn")
    return _SPACES.sub(" ", text).strip().lower()


def _read_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


@cache
def synonym_map() -> dict[str, str]:
    """Surface word -> canonical word (both normalised)."""
    mapping: dict[str, str] = {}
    for line in _read_lines(SYNONYMS):
        words = [normalize(w) for w in line.split()]
        for word in words:
            mapping.setdefault(word, words[0])
    return mapping


@cache
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Canonical word -> every surface form of its group (used to highlight what matched)."""
    groups: dict[str, list[str]] = {}
    for surface, canonical in synonym_map().items():
        groups.setdefault(canonical, []).append(surface)
    return {k: tuple(v) for k, v in groups.items()}


@cache
def dictionary_terms() -> tuple[str, ...]:
    return tuple(normalize(line.split()[0]) for line in _read_lines(BANK_DICT))


ANALYZER_VERSION = 1


@cache
def analyzer_fingerprint() -> str:
    """Changes whenever tokens could change (dictionary, synonyms, stopwords, code version): stored tokens
    carrying another fingerprint are recomputed."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"{ANALYZER_VERSION}|{jieba.__version__}|".encode())
    digest.update(BANK_DICT.read_bytes())
    digest.update(SYNONYMS.read_bytes())
    digest.update(" ".join(sorted(STOPWORDS)).encode())
    return digest.hexdigest()[:12]


def get_tokenizer() -> jieba.Tokenizer:
    """The process's jieba tokenizer with the banking dictionary and every synonym loaded (built once)."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for line in _read_lines(BANK_DICT):
                parts = line.split()
                freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1000
                tokenizer.add_word(normalize(parts[0]), freq=freq)
            # Multi-word synonyms ("钱没吐出来") must stay one token to be mapped.
            for surface in synonym_map():
                if " " not in surface:
                    tokenizer.add_word(surface, freq=1000)
            _tokenizer = tokenizer
    return _tokenizer


def cut(normalized: str) -> list[str]:
    """jieba words of already normalised text, punctuation and spaces dropped."""
    return [w for w in get_tokenizer().lcut(normalized, HMM=False) if _WORDLIKE.search(w)]


def tokenize(text: str, *, drop_stopwords: bool = True) -> list[str]:
    """Canonical search terms of ``text``: normalised, segmented, synonyms folded, stopwords dropped."""
    synonyms = synonym_map()
    terms = []
    for word in cut(normalize(text)):
        if drop_stopwords and word in STOPWORDS:
            continue
        terms.append(synonyms.get(word, word))
    return terms


def surface_forms(canonical_terms: set[str] | list[str]) -> list[str]:
    """Every spelling that should be highlighted for these canonical terms, longest first."""
    groups = synonym_groups()
    forms: set[str] = set()
    for term in canonical_terms:
        forms.add(term)
        forms.update(groups.get(term, ()))
    return sorted((f for f in forms if f), key=len, reverse=True)
