"""What the SQLite and PostgreSQL segmenting backends share: the indexer and the query rewrite."""

from __future__ import annotations

import types

from modelsearch.backends.base import EmptySearchResults
from modelsearch.index import RelatedFields
from modelsearch.query import And, Boost, Not, Or, Phrase, PlainText, SearchQuery

from .segment import build_query, index_text


class SegmentingIndexerMixin:
    """Mixed into a database backend's ObjectIndexer: store each field's text segmented.

    Both vendors' `prepare_field` yield tuples ending with the text: (field, text) on SQLite,
    (field, weight, text) on PostgreSQL. RelatedFields recurse back into this method per
    sub-field, so their text is segmented once, at the leaf.
    """

    def prepare_field(self, obj, field):
        if isinstance(field, RelatedFields):
            yield from super().prepare_field(obj, field)
            return
        for *head, text in super().prepare_field(obj, field):
            yield (*head, index_text(text))


def _names(code: types.CodeType) -> set[str]:
    """Global names a code object reads, comprehensions included (nested code objects)."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def with_indexer(add_items, indexer_class):
    """The parent index's `add_items`, building `indexer_class` where it builds `ObjectIndexer`.

    Wagtail's database indexes construct the module-level ObjectIndexer inside add_items; this
    reuses their code as is (upserts, title norms) rather than copying it.
    """
    if not _names(add_items.__code__) >= {"ObjectIndexer"}:
        raise ImportError(f"{add_items.__qualname__} no longer builds ObjectIndexer; update core.search")
    namespace = {**add_items.__globals__, "ObjectIndexer": indexer_class}
    return types.FunctionType(
        add_items.__code__, namespace, add_items.__name__, add_items.__defaults__, add_items.__closure__
    )


def segment_query(query, operator=None):
    """A query (string or Wagtail query object) with its text cut into words; None if no word is left."""
    if isinstance(query, str):
        return build_query(query, operator)
    if isinstance(query, PlainText):
        return build_query(query.query_string, query.operator)
    if isinstance(query, Phrase):
        # Words in order, not adjacency: the index holds a word and its parts side by side.
        return build_query(query.query_string, "and")
    if isinstance(query, (And, Or)):
        parts = [segment_query(sub, operator) for sub in query.subqueries]
        if isinstance(query, And) and any(part is None for part in parts):
            return None
        parts = [part for part in parts if part is not None]
        return type(query)(parts) if parts else None
    if isinstance(query, Not):
        sub = segment_query(query.subquery, operator)
        return Not(sub) if sub is not None else None
    if isinstance(query, Boost):
        sub = segment_query(query.subquery, operator)
        return Boost(sub, query.boost) if sub is not None else None
    return query  # MatchAll and anything else pass through unchanged


class SegmentingBackendMixin:
    """Mixed into a database search backend: segment the query before compiling it."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if isinstance(query, (str, SearchQuery)):
            segmented = segment_query(query, kwargs.get("operator"))
            if segmented is None:
                # Empty, or only punctuation and symbols: nothing to look for.
                return EmptySearchResults()
            query = segmented
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)
