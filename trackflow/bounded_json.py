"""JSON read with a bounded depth, wherever users hand it in (API bodies, the admin's rule
field, .nsp files): a deeply nested document is a clear error, never a RecursionError.

Python's json module recurses once per level, and so do serializers and the rules DSL
after it; a document of a thousand `[` would otherwise end as a 500 or a traceback.
"""

import json
from typing import Any

MAX_DEPTH = 100  # a rule's 20 levels of groups take about 40
TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels"


class TooDeep(ValueError):
    pass


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


def checked(data: Any) -> Any:
    """`data` (already parsed), or TooDeep."""
    if depth(data) > MAX_DEPTH:
        raise TooDeep(TOO_DEEP)
    return data


def loads(text: str | bytes, **options: Any) -> Any:
    """json.loads, with TooDeep (a ValueError, as json's own errors are) past MAX_DEPTH."""
    try:
        return checked(json.loads(text, **options))
    except RecursionError:
        raise TooDeep(TOO_DEEP) from None
