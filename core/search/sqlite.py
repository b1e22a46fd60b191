"""SQLite FTS5: Wagtail's backend with segmented index text, segmented queries, title-weighted bm25."""

from __future__ import annotations

from django.db.models import FloatField, Func
from modelsearch.backends.database.sqlite.sqlite import (
    ObjectIndexer,
    SQLiteFTSIndexEntry,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)

from .backend import TITLE_WEIGHT
from .common import SegmentingBackendMixin, SegmentingIndexerMixin, with_indexer


class SegmentingObjectIndexer(SegmentingIndexerMixin, ObjectIndexer):
    pass


class ChineseSQLiteIndex(SQLiteIndex):
    add_items = with_indexer(SQLiteIndex.add_items, SegmentingObjectIndexer)


class WeightedBM25(Func):
    """bm25() over the FTS table with a weight per column (autocomplete, body, title).

    Lower is better, as with the stock bm25(): results are ordered ascending.
    """

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        table = SQLiteFTSIndexEntry._meta.db_table
        return f"bm25({table}, 0.0, 1.0, {float(TITLE_WEIGHT)})", []


class ChineseSQLiteQueryCompiler(SQLiteSearchQueryCompiler):
    def _build_rank_expression(self, vectors, config):
        # The stock rank adds bm25() over all columns twice, so a title hit weighs no more than
        # a body hit; weigh the columns instead.
        return WeightedBM25()


class ChineseSQLiteSearchBackend(SegmentingBackendMixin, SQLiteSearchBackend):
    query_compiler_class = ChineseSQLiteQueryCompiler
    index_class = ChineseSQLiteIndex
