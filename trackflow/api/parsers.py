"""JSON bodies with a bounded depth: a deeply nested body is a 400, never a RecursionError.

Python's json module recurses once per level, and so do serializers and the rules DSL
after it; a body of a thousand `[` would otherwise end as a 500 before any validation.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 100  # a rule's 20 levels of groups take about 40


def depth(value: object) -> int:
    """How deeply `value` nests lists and objects (a scalar is 0), without recursing."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:  # deeper than that is refused anyway
            stack.extend((child, level + 1) for child in value)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if depth(data) > MAX_DEPTH:
            raise too_deep
        return data
