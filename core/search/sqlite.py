"""SQLite FTS5: Wagtail's backend with segmented index text, segmented queries, title-weighted bm25,
and every hit scored by one full-text query.

Wagtail's SQLite compiler filters the results with `pk IN (full-text query)` and scores each of
them with a scalar subquery that repeats the full-text query once per result, so a search costs
(number of hits) x (cost of the match): 0.7-2.5 s for a common word in 1,000 pages. Here the
full-text query runs once, as a derived table of (object pk, score) joined to the searched
queryset on its primary key; the queryset's own filters (the audience rule), the order by score
and the slice all stay in that one SQL statement, and `.count()` counts the same join.
"""

from __future__ import annotations

from django.db.models import AutoField, FloatField, Func, IntegerField
from django.db.models.expressions import Expression
from django.db.models.functions import Cast
from django.db.models.sql.constants import INNER
from django.db.models.sql.datastructures import Join
from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
from modelsearch.backends.database.sqlite.sqlite import (
    ObjectIndexer,
    SQLiteAutocompleteQueryCompiler,
    SQLiteFTSIndexEntry,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks

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


HITS_ALIAS = "modelsearch_hits"


class HitsScore(Expression):
    """The score column of the joined hits (see HitsJoin), following the join when it is relabelled."""

    output_field = FloatField()

    def __init__(self, alias):
        super().__init__()
        self.alias = alias

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name('score')}", []

    def relabeled_clone(self, change_map):
        return self.__class__(change_map.get(self.alias, self.alias))

    def get_group_by_cols(self):
        return [self]


class HitsJoin(Join):
    """`INNER JOIN (<full-text query>) hits ON hits.object_pk = <searched table>.<pk>`.

    A Join for Django's Query.alias_map (see django.db.models.sql.datastructures.Join for what an
    entry provides) whose right side is SQL compiled beforehand instead of a table. SQLite runs a
    FROM subquery holding bm25() once; its rows are few (the hits) and are looked up by pk.
    """

    def __init__(self, sql, params, parent_alias, parent_column, table_alias=None, join_type=INNER):
        self.sql, self.params = sql, tuple(params)
        self.table_name = HITS_ALIAS
        self.parent_alias = parent_alias
        self.parent_column = parent_column
        self.table_alias = table_alias
        self.join_type = join_type
        self.join_field = None
        self.nullable = False
        self.filtered_relation = None

    def as_sql(self, compiler, connection):
        qn = connection.ops.quote_name
        parent = compiler.quote_name_unless_alias(self.parent_alias)
        alias = qn(self.table_alias)
        on = f"{alias}.{qn('object_pk')} = {parent}.{qn(self.parent_column)}"
        return f"{self.join_type} ({self.sql}) {alias} ON ({on})", list(self.params)

    def relabeled_clone(self, change_map):
        return self.__class__(
            self.sql,
            self.params,
            change_map.get(self.parent_alias, self.parent_alias),
            self.parent_column,
            change_map.get(self.table_alias, self.table_alias),
            self.join_type,
        )

    @property
    def identity(self):
        return (self.__class__, self.sql, self.params, self.parent_alias, self.parent_column)


class SingleMatchMixin:
    """Mixed into a SQLite query compiler: run the full-text query once per search (see module doc).

    Negated queries, match-all and models whose pk is not an integer keep Wagtail's own search.
    """

    def _fast_path(self, query) -> bool:
        if isinstance(query, (MatchAll, Not)):
            return False
        pk = self.queryset.model._meta.pk
        # The index keeps pks as text; they are cast back to integers to join on the pk index.
        target = pk.target_field if pk.is_relation else pk
        return isinstance(target, (AutoField, IntegerField))

    def search(self, config, start, stop, score_field=None):
        normalized_query = normalize(self.query)
        if not self._fast_path(normalized_query):
            return super().search(config, start, stop, score_field=score_field)

        search_query = self.build_search_query(normalized_query, config=config)
        match_expression = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, search_query)
        rank_expression = self._build_rank_expression(self.get_search_vectors(), config)
        hits = (
            SQLiteFTSIndexEntry.objects.filter(match_expression)
            .filter(index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model))
            .values(object_pk=Cast("index_entry__object_id", IntegerField()), score=rank_expression)
            .order_by()
        )
        sql, params = hits.query.sql_with_params()

        queryset = self.queryset.all()
        query = queryset.query
        pk = queryset.model._meta.pk
        alias = query.join(HitsJoin(sql, params, query.get_initial_alias(), pk.column))

        if self.order_by_relevance and score_field is None:
            score_field = "_score"
        if score_field is not None:
            queryset = queryset.annotate(**{score_field: HitsScore(alias)})
            if self.order_by_relevance:
                queryset = queryset.order_by(score_field, "-pk")
        if not self.order_by_relevance and not queryset.query.order_by:
            # A fixed order keeps pages of results consistent (as Wagtail's compiler does).
            queryset = queryset.order_by("-pk")
        return queryset[start:stop]


class ChineseSQLiteQueryCompiler(SingleMatchMixin, SQLiteSearchQueryCompiler):
    def _build_rank_expression(self, vectors, config):
        # The stock rank adds bm25() over all columns twice, so a title hit weighs no more than
        # a body hit; weigh the columns instead.
        return WeightedBM25()


class ChineseSQLiteAutocompleteQueryCompiler(SingleMatchMixin, SQLiteAutocompleteQueryCompiler):
    pass


class ChineseSQLiteSearchBackend(SegmentingBackendMixin, SQLiteSearchBackend):
    query_compiler_class = ChineseSQLiteQueryCompiler
    autocomplete_query_compiler_class = ChineseSQLiteAutocompleteQueryCompiler
    index_class = ChineseSQLiteIndex
