"""Mark a query's words in titles and snippets, HTML-escaped: page text and query are both untrusted."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from modelsearch.index import SearchField

SNIPPET_LENGTH = 120


def _pattern(terms: list[str]) -> re.Pattern | None:
    terms = [term for term in terms if term]
    if not terms:
        return None
    # Longest first, so 志愿服务 is marked whole rather than as 志愿 followed by 服务.
    ordered = sorted(set(terms), key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in ordered), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with each occurrence of a term wrapped in <mark>.

    Matching runs on the raw text and each piece is escaped on its own, so a term can never
    match inside an entity (&amp;) nor let markup through.
    """
    text = str(text or "")
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 - escaped just here
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece escaped above


def snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """About `length` characters of `text` around its first matching term, highlighted."""
    text = " ".join(str(text or "").split())
    pattern = _pattern(terms)
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - length // 4) if match else 0
    end = min(len(text), start + length)
    piece = highlight(text[start:end], terms)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{piece}{suffix}")  # noqa: S308 - piece is escaped by highlight()


def searchable_body(obj) -> str:
    """The plain text of an object's searched fields other than its title (rich text stripped)."""
    texts: list[str] = []
    for field in obj.get_search_fields():
        if not isinstance(field, SearchField) or field.field_name == "title":
            continue
        value = field.get_value(obj)
        if isinstance(value, (list, tuple)):
            texts.extend(str(item) for item in value if item)
        elif value:
            texts.append(str(value))
    return " ".join(texts)
