"""The search backend WAGTAILSEARCH_BACKENDS names: Wagtail's database backend for the current
database vendor, with Chinese segmented at index and at query time.

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "core.search.backend"}}

Indexing stays Wagtail's own (signals on save and publish, `update_index`); only the text stored
in the index entry and the query handed to the full-text engine change:

- index time: every searched field's text is stored as jieba search-mode tokens separated by
  spaces (`segment.index_text`), in the same index table Wagtail fills;
- query time: a query string becomes a tree of single-word terms (`segment.build_query`), which
  the stock compilers turn into an FTS5 MATCH (SQLite) or a tsquery (PostgreSQL);
- ranking: title matches first (SQLite: bm25 column weights; PostgreSQL: a title vector boost).

Other vendors, or SQLite without FTS5, get Wagtail's fallback backend (substring matching, which
finds Chinese sub-words anyway, unranked).
"""

from __future__ import annotations

from django.db import connection

# Title hits weigh this many times body hits in the rank.
TITLE_WEIGHT = 10.0


def SearchBackend(params):  # noqa: N802 - the name Wagtail's backend loader looks for
    """The segmenting backend for the default database's vendor."""
    if connection.vendor == "postgresql":
        from .postgres import ChinesePostgresSearchBackend

        return ChinesePostgresSearchBackend(params)
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.utils import fts5_available, fts_table_exists

        if fts5_available() and fts_table_exists():
            from .sqlite import ChineseSQLiteSearchBackend

            return ChineseSQLiteSearchBackend(params)
    from modelsearch.backends.database.fallback import DatabaseSearchBackend

    return DatabaseSearchBackend(params)
