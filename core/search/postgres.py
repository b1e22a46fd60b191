"""PostgreSQL: Wagtail's tsvector backend with segmented index text and queries, title first."""

from __future__ import annotations

from django.db.models import F
from modelsearch.backends.database.postgres.postgres import (
    ObjectIndexer,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)

from .backend import TITLE_WEIGHT
from .common import SegmentingBackendMixin, SegmentingIndexerMixin, with_indexer


class SegmentingObjectIndexer(SegmentingIndexerMixin, ObjectIndexer):
    pass


class ChinesePostgresIndex(PostgresIndex):
    add_items = with_indexer(PostgresIndex.add_items, SegmentingObjectIndexer)


class ChinesePostgresQueryCompiler(PostgresSearchQueryCompiler):
    def get_index_vectors(self, search_query):
        # Stock weighs the title by title_norm (average title length / this title's length), so
        # a long title can rank below a body hit; a fixed weight keeps title matches first.
        return [
            (F("index_entries__title"), TITLE_WEIGHT),
            (F("index_entries__body"), 1.0),
        ]


class ChinesePostgresSearchBackend(SegmentingBackendMixin, PostgresSearchBackend):
    query_compiler_class = ChinesePostgresQueryCompiler
    index_class = ChinesePostgresIndex

    def __init__(self, params):
        # "simple": the index holds jieba's words; English stemming and stop words would only
        # drop or change some of them.
        super().__init__({"SEARCH_CONFIG": "simple", **params})
