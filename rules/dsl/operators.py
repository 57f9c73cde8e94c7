"""The operators, which field types each one fits, and how they negate.

Every negative operator is exactly NOT its positive partner (`isNot` = NOT `is`), so a
track with no value (or, for a multi-valued field, no value that matches) matches it.
"""

from __future__ import annotations

from .fields import FieldType as T

TEXTUAL = frozenset({T.TEXT, T.DYNAMIC})
ORDERED = frozenset({T.NUMBER, T.INT, T.DATE, T.DATETIME, T.DYNAMIC})
DATES = frozenset({T.DATE, T.DATETIME})
EQUATABLE = frozenset({T.TEXT, T.NUMBER, T.INT, T.BOOL, T.DATE, T.DATETIME, T.ENUM, T.DYNAMIC})
LISTABLE = frozenset({T.TEXT, T.NUMBER, T.INT, T.ENUM, T.DYNAMIC})
ALL_VALUE_TYPES = EQUATABLE

# operator -> the field types it fits
FITS: dict[str, frozenset[T]] = {
    "is": EQUATABLE,
    "isNot": EQUATABLE,
    "gt": ORDERED,
    "gte": ORDERED,
    "lt": ORDERED,
    "lte": ORDERED,
    "before": DATES,
    "after": DATES,
    "contains": TEXTUAL,
    "notContains": TEXTUAL,
    "startsWith": TEXTUAL,
    "endsWith": TEXTUAL,
    "matches": TEXTUAL,
    "notMatches": TEXTUAL,
    "in": LISTABLE,
    "notIn": LISTABLE,
    "inTheRange": ORDERED,
    "notInTheRange": ORDERED,
    "inTheLast": DATES,
    "notInTheLast": DATES,
    "inPlaylist": frozenset({T.PLAYLIST}),
    "notInPlaylist": frozenset({T.PLAYLIST}),
    "isMissing": ALL_VALUE_TYPES,
    "isPresent": ALL_VALUE_TYPES,
}

OPERATORS: tuple[str, ...] = tuple(FITS)
_BY_LOWER = {op.lower(): op for op in OPERATORS}

# negative -> the positive it is NOT of
NEGATIVE_OF: dict[str, str] = {
    "isNot": "is",
    "notContains": "contains",
    "notIn": "in",
    "notInTheLast": "inTheLast",
    "notInPlaylist": "inPlaylist",
    "notMatches": "matches",
    "notInTheRange": "inTheRange",
}
# both directions, plus isMissing <-> isPresent (which is also an exact NOT)
NEGATION: dict[str, str] = {
    **NEGATIVE_OF,
    **{pos: neg for neg, pos in NEGATIVE_OF.items()},
    "isMissing": "isPresent",
    "isPresent": "isMissing",
}

# NOT `gt` is `lte` or no value (on single-valued fields with numbers or dates, where
# either the value is missing or it compares): how the text form negates comparisons
OPPOSITE = {"gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt"}

# on date fields `gt`/`lt` mean the same as `after`/`before`: normalize to the date names
DATE_ALIASES = {"gt": "after", "lt": "before"}


def canonical_operator(name: str) -> str | None:
    """`isnot`/`IsNot` -> `isNot`; None when there is no such operator."""
    return _BY_LOWER.get(name.lower())


def fits(op: str, type_: T) -> bool:
    return type_ in FITS[op]
