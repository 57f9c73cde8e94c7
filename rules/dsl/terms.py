"""One text-form term -> a JSON condition (or, for a bare word, a group of three).

`field:value` is `contains` on text fields and `is` otherwise; `=` `~` `>` `>=` `<` `<=`
pick `is`, `matches` and the comparisons; `a..b` is `inTheRange` and `a..`/`..b` are
`gte`/`lte`; on date fields `-30d..` is `inTheLast` 30 days; `playlist:NAME` and
`playlist:#ID` are `inPlaylist`. Values are typed by the field: numbers for numeric
fields, `true`/`false` for booleans; for `PROVIDER.KEY` an unquoted number or
true/false is that, and anything quoted is text. Whatever does not convert is passed
on as text, so `parse_rule` reports it with the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .fields import FieldType, lookup_field
from .lexer import Token, syntax_error

COMPARISONS = {"=": "is", "~": "matches", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
RANGED = (FieldType.NUMBER, FieldType.INT, FieldType.DATE, FieldType.DATETIME, FieldType.DYNAMIC)
BARE_FIELDS = ("title", "artist", "album")


@dataclass
class Piece:
    """A condition (`cond`) or a group (`kind` + `kids`), remembering where it was typed."""

    pos: int
    cond: dict | None = None
    kind: str = "all"
    kids: list[Piece] = field(default_factory=list)

    def json(self) -> dict:
        if self.cond is not None:
            return self.cond
        return {self.kind: [kid.json() for kid in self.kids]}


def to_number(text: str) -> int | float | None:
    """`120` -> 120, `-1.5` / `1e-05` -> float; None for anything else (nan, 1_000)."""
    if not text or "_" in text or not text.isascii():
        return None
    digits = text[1:] if text[0] in "+-" else text
    if digits.isdigit():
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) and any(c.isdigit() for c in text) else None


def typed(text: str, type_: FieldType | None, quoted: bool) -> Any:
    """The JSON value a typed-in text stands for on a field of `type_`."""
    loose = type_ is FieldType.DYNAMIC and not quoted
    if (type_ is FieldType.BOOL or loose) and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if type_ in (FieldType.NUMBER, FieldType.INT) or loose:
        number = to_number(text)
        return text if number is None else number
    return text


def _days(text: str) -> int | None:
    """N for `-Nd..`, the "in the last N days" form."""
    if text.startswith("-") and text.endswith("d..") and text[1:-3].isdigit():
        return int(text[1:-3])
    return None


def _condition(token: Token) -> dict:
    name, text = token.field or "", token.value
    spec = lookup_field(name)
    type_ = spec.type if spec else None
    if token.prefix:
        op = COMPARISONS[token.prefix]
        return {op: {name: text if op == "matches" else typed(text, type_, token.quoted)}}
    if type_ in RANGED and not token.quoted and ".." in text:
        if "..." in text:
            raise syntax_error(token.pos, "a range is low..high (two dots)")
        days = _days(text) if type_ in (FieldType.DATE, FieldType.DATETIME) else None
        if days is not None:
            return {"inTheLast": {name: days}}
        low, _, high = (typed(part, type_, False) for part in text.partition(".."))
        if low == "" and high == "":
            raise syntax_error(token.pos, "a range needs at least one end: a..b, a.. or ..b")
        if low == "":
            return {"lte": {name: high}}
        return {"gte": {name: low}} if high == "" else {"inTheRange": {name: [low, high]}}
    value = typed(text, type_, token.quoted)
    contains = type_ is FieldType.TEXT or (type_ is FieldType.DYNAMIC and isinstance(value, str))
    return {"contains" if contains else "is": {name: value}}


def _playlist(token: Token) -> dict:
    if token.prefix:
        raise syntax_error(token.pos, 'playlist: takes a name or #id, as in playlist:"Road Trip"')
    text = token.value
    if not token.quoted and text.startswith("#") and text[1:].isdigit():
        return {"inPlaylist": {"id": int(text[1:])}}
    return {"inPlaylist": {"name": text}}


def term_piece(token: Token) -> Piece:
    """The piece for a TERM token (not `sort:`/`limit:`, which the parser keeps)."""
    if token.field is None:
        if not token.value:
            raise syntax_error(token.pos, "empty phrase")
        kids = [Piece(token.pos, {"contains": {name: token.value}}) for name in BARE_FIELDS]
        return Piece(token.pos, kind="any", kids=kids)
    if token.field.lower() == "playlist":
        return Piece(token.pos, _playlist(token))
    return Piece(token.pos, _condition(token))
