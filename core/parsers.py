"""A JSON parser that refuses deep nesting before Python's decoder recurses into it.

`[` × 5000 makes json.loads raise RecursionError, which DRF's JSONParser does not catch (a 500).
DepthLimitedJSONParser scans the text once (outside strings) and answers a 400 beyond MAX_DEPTH;
its parse errors are Chinese (DRF's own "JSON parse error - …" is not marked for translation).
"""

from __future__ import annotations

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

MAX_DEPTH = 64


def json_depth_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Does `text` nest arrays/objects deeper than `limit`? Brackets inside strings do not count."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(
                _("JSON parse error: the request body is not valid %(encoding)s text.")
                % {"encoding": encoding}
            ) from exc
        if json_depth_exceeds(text):
            raise ParseError(_("JSON nested too deeply: at most %(max)d levels.") % {"max": MAX_DEPTH})
        try:
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("JSON parse error: the request body is not valid JSON.")) from exc
