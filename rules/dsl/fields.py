"""The field whitelist: every name a rule may use, with its type.

Only these names ever reach the SQL compiler, so a rule cannot name an arbitrary column.
`PROVIDER.KEY` names an enrichment value (`audio.bpm`); its type is `dynamic`: the
comparison value decides how it compares (see the semantics in `rules.dsl`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    INT = "int"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    ENUM = "enum"
    DYNAMIC = "dynamic"
    PLAYLIST = "playlist"


@dataclass(frozen=True)
class Field:
    """`multi`: the track has a list of values and a condition asks about any of them.

    `sortable`: may appear in `sort`; multi-valued text sorts by its first value only
    where that value is meaningful (a track's first artist is its primary artist).
    """

    name: str
    type: FieldType
    multi: bool = False
    choices: tuple[str, ...] = ()
    bounds: tuple[int, int] | None = None
    sortable: bool = True


SOURCES = ("spotify", "youtube", "upload", "local")

FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("title", FieldType.TEXT),
        Field("artist", FieldType.TEXT, multi=True),
        Field("albumartist", FieldType.TEXT, multi=True),
        Field("album", FieldType.TEXT),
        Field("genre", FieldType.TEXT, multi=True, sortable=False),
        Field("year", FieldType.INT),
        Field("releasedate", FieldType.DATE),
        Field("duration", FieldType.NUMBER),
        Field("explicit", FieldType.BOOL),
        Field("popularity", FieldType.INT, bounds=(0, 100)),
        Field("isrc", FieldType.TEXT),
        Field("source", FieldType.ENUM, choices=SOURCES),
        Field("liked", FieldType.BOOL),
        Field("likedat", FieldType.DATETIME),
        Field("dateadded", FieldType.DATETIME),
        Field("hasaudio", FieldType.BOOL),
        Field("status", FieldType.TEXT),
        Field("tag", FieldType.TEXT, multi=True, sortable=False),
        Field("playlist", FieldType.PLAYLIST, multi=True, sortable=False),
    )
}

MAX_IDENTIFIER = 64


def is_identifier(part: str) -> bool:
    """Lowercase ASCII identifier: a letter, then letters, digits or `_`."""
    if not part or len(part) > MAX_IDENTIFIER or not ("a" <= part[0] <= "z"):
        return False
    return all("a" <= c <= "z" or "0" <= c <= "9" or c == "_" for c in part)


def lookup_field(name: str) -> Field | None:
    """The field for a (case-insensitive) name, or None if it is not on the whitelist."""
    name = name.lower()
    if name in FIELDS:
        return FIELDS[name]
    provider, dot, key = name.partition(".")
    if dot and is_identifier(provider) and is_identifier(key):
        return Field(name, FieldType.DYNAMIC)
    return None


def suggest(name: str, candidates: list[str] | None = None) -> str:
    """`; did you mean 'x'?` for the closest names, or an empty string."""
    pool = candidates if candidates is not None else list(FIELDS)
    close = difflib.get_close_matches(name.lower(), pool, n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
