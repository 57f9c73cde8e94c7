"""JSON read with a bounded depth, wherever users hand it in (API bodies, the admin's JSON
fields, .nsp files): a deeply nested document is a clear error, never a RecursionError.

Python's json module recurses once per level, and so do serializers and the rules DSL
after it; a document of a thousand `[` would otherwise end as a 500 or a traceback.
"""

import json
import math
from typing import Any

from django import forms

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


NOT_FINITE = "NaN, Infinity and numbers too large for a float (1e400) are not JSON numbers"


class NotFinite(ValueError):
    pass


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise NotFinite(text)
    return number


def _no_constant(text: str):
    raise NotFinite(text)


class FiniteJSONDecoder(json.JSONDecoder):
    """Python's json reads NaN, Infinity and 1e400 (as inf), which JSON has no words for:
    the database's JSON check refuses them on save, a 500 unless refused here first."""

    def __init__(self, **options):
        super().__init__(parse_float=_finite, parse_constant=_no_constant, **options)


class BoundedJSONField(forms.JSONField):
    """JSON nested deeper than MAX_DEPTH allows, or with a number JSON cannot
    hold, is a form error, not a 500."""

    def __init__(self, **kwargs):
        kwargs.setdefault("decoder", FiniteJSONDecoder)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return checked(super().to_python(value))
        except (RecursionError, TooDeep):
            raise forms.ValidationError(f"JSON {TOO_DEEP}") from None
        except NotFinite:
            raise forms.ValidationError(NOT_FINITE) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except (RecursionError, NotFinite):  # shown again as typed
            return forms.fields.InvalidJSONInput(data)
