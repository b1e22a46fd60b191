"""Chinese word segmentation with jieba, shared by indexing, querying and highlighting.

The index stores jieba's search-mode cut (each word and the dictionary words inside it, e.g.
志愿服务 → 志愿 服务 志愿服务) as space-separated tokens, so SQLite FTS5 and PostgreSQL tsvector,
which split on spaces, can match a sub-word. A query is cut in precise mode; a long word matches
either itself or all of its parts, which keeps working when the index cut the text differently.

Only runs of letters and digits survive as tokens: punctuation and FTS/tsquery syntax (`"`, `*`,
`NEAR(`, `:`, `&`) never reach the database, so no query string can be a syntax error there.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from functools import lru_cache

import jieba
from modelsearch.query import And, Or, PlainText, SearchQuery

jieba.setLogLevel(logging.WARNING)
logger = logging.getLogger(__name__)

# A query is words to look for, not a document: longer input is cut here before segmenting, and
# the views refuse it with a message. Bounds the FTS expression whatever a caller passes.
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 12

_WORD = re.compile(r"[^\W_]+")


def load_dictionary() -> float:
    """Load jieba's dictionary now rather than on the first segmenting call; the seconds it took.

    jieba loads its prefix dictionary (about 60 MB in memory) on first use: 2-3 s, more on a busy
    machine, which the first search or publish in a process would otherwise wait for. Serving
    processes call this as they start (portal/wsgi.py, the Celery worker's celeryd_init), before
    they accept work; commands and tests don't, and load it only if they segment. A no-op once
    loaded.
    """
    if jieba.dt.initialized:
        return 0.0
    start = time.perf_counter()
    jieba.initialize()
    seconds = time.perf_counter() - start
    logger.info("jieba dictionary loaded in %.2f s", seconds)
    return seconds


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _tokens(pieces) -> list[str]:
    """Letters-and-digits runs of jieba's pieces; punctuation and spaces dropped."""
    return [token for piece in pieces for token in _WORD.findall(piece)]


@lru_cache(maxsize=32)
def index_text(text: str) -> str:
    """The text to store in the search index: search-mode tokens separated by spaces.

    Cached: Wagtail's indexers read every field once per index column (3 on SQLite, 5 on
    PostgreSQL), and segmenting is the slow part of indexing.
    """
    if not text:
        return ""
    return " ".join(_tokens(jieba.cut_for_search(normalise(text))))


@lru_cache(maxsize=1024)
def _parts(word: str) -> tuple[str, ...]:
    """The dictionary words inside `word` that the index also stores (志愿服务 → 志愿, 服务)."""
    return tuple(part for part in _tokens(jieba.cut_for_search(word)) if part != word)


def query_words(query: str) -> list[str]:
    """The distinct words of a query in precise mode, in order, at most MAX_QUERY_WORDS."""
    words: list[str] = []
    for word in _tokens(jieba.cut(normalise(query or "")[:MAX_QUERY_LENGTH])):
        if word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def highlight_terms(query: str) -> list[str]:
    """Every word a match may show: the query's words and their parts, longest first."""
    terms = {term for word in query_words(query) for term in (word, *_parts(word))}
    return sorted(terms, key=lambda term: (-len(term), term))


def build_query(query: str, operator: str | None = "and") -> SearchQuery | None:
    """A Wagtail query object for a user's query string; None when it holds no word at all."""
    leaves: list[SearchQuery] = []
    for word in query_words(query):
        parts = _parts(word)
        if parts:
            leaves.append(Or([PlainText(word), And([PlainText(part) for part in parts])]))
        else:
            leaves.append(PlainText(word))
    if not leaves:
        return None
    if len(leaves) == 1:
        return leaves[0]
    return Or(leaves) if (operator or "and").lower() == "or" else And(leaves)
