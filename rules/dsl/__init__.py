"""The rules DSL: parse, validate, normalize, render, evaluate and explain rules.

Pure Python, no Django. Three front ends build the same AST (`ast.py`): the JSON form
(`parse_rule`), the short text form (`parse_query`) and Navidrome `.nsp` files
(`parse_nsp`). `evaluate` is the reference a SQL compiler must match exactly; the
contract it must match is this docstring.

Values
------
Each field yields a list of PRESENT values for a track (`facts.values_of`):

- single-valued fields: `[]` or `[v]`; multi-valued (`artist`, `albumartist`, `genre`,
  `tag`, and the `playlist` pseudo-field): the track's values, order kept;
- missing = `None`, and for text also `""` (so SQL treats NULL and '' alike); an empty
  string inside a multi-valued list is skipped;
- `PROVIDER.KEY`: the enrichment value; only a JSON string (non-empty), number or
  boolean is present; null, "", arrays and objects are missing.

Conditions
----------
- A positive operator matches when ANY present value satisfies it (SQL: `EXISTS` over
  the related rows; for single-valued fields `col IS NOT NULL AND col <> '' AND test`).
  No values -> no match.
- A negative operator is exactly NOT its positive partner: `isNot` = NOT `is`,
  `notContains` = NOT `contains`, `notIn` = NOT `in`, `notInTheLast` = NOT `inTheLast`,
  `notInPlaylist` = NOT `inPlaylist`, `notMatches` = NOT `matches`, `notInTheRange` = NOT
  `inTheRange`. So it matches a track with no value, and on a
  multi-valued field it means "no value matches" (SQL: `NOT EXISTS`, or `NOT
  COALESCE(test, FALSE)`: a NULL must never leak out of a negation).
- `isPresent`: at least one present value; `isMissing` = NOT `isPresent`. Value: `true`.
- An `all` group matches when every child does (an empty root `all` matches every
  track); `any` when at least one does. Nested groups cannot be empty.

Per operator (v = a present value, x = the rule's value)
--------------------------------------------------------
Text: `fold(s) = s.lower()` (Python). PostgreSQL `LOWER()` and SQLite's ASCII-only
`LOWER()`/`LIKE` disagree with it outside ASCII, so the SQL side must compare against
values folded by `semantics.fold` (a stored folded column, or `fold` registered as an
SQLite function) and bind `fold(x)`; LIKE wildcards in x (`%`, `_`, the escape char)
must be escaped. Empty text values are rejected at validation, so `contains ""` never
reaches SQL.

- `is` (text, enum, bool, number, int, date, datetime, dynamic): v == x by the type
  rules below.
- `in` (text, enum, number, int, dynamic): v `is` some item of x (a non-empty list).
- `gt` `gte` `lt` `lte` (number, int, date, datetime, dynamic): v > >= < <= x.
- `before` / `after` (date, datetime): v < x / v > x, strictly. `gt`/`lt` on date
  fields are normalized to these.
- `inTheRange` (number, int, date, datetime, dynamic): x[0] <= v <= x[1], inclusive.
- `contains` (text, dynamic): fold(x) is a substring of fold(v).
- `startsWith` / `endsWith` (text, dynamic): fold(v) starts / ends with fold(x).
- `matches` (text, dynamic): the portable regex x (`regex.py`) is found anywhere in v,
  ignoring case. SQLite: `v REGEXP regex.python_pattern(x)` (Django registers REGEXP
  as `re.search`); PostgreSQL: `v ~* regex.postgres_pattern(x)`.
- `inTheLast` N (date, datetime): v >= now - N days (datetime: instants; date: the UTC
  date of now - N days). Future values match.
- `inPlaylist` (the `playlist` pseudo-field): the track is in the owner's playlist with
  that id, or in any owner's playlist whose fold(name) == fold(x.name).

Type rules for `is` and comparisons:

- text/enum: text compares with text only (fold both; enum values are lowercase).
- number/int: numeric compare; 120 == 120.0.
- bool: a stored boolean equals x; `explicit` may be missing (NULL), `liked` and
  `hasaudio` never are.
- dynamic (`PROVIDER.KEY`): x's JSON type decides. A number x compares numerically
  and only with stored JSON numbers (a stored "120" string, or "fast", never matches
  `gt 100`; SQL: `jsonb_typeof(v) = 'number'` / `json_type(v) IN ('integer','real')`).
  A string x compares with stored strings only (folded); a boolean x equals stored
  booleans only. `gt`/`lt`/`inTheRange` on dynamic fields take numbers only.
- date (`releasedate`): calendar dates.
- datetime (`likedat`, `dateadded`): stored as aware instants (naive = UTC). Against a
  datetime x: compare instants. Against a date x: compare v's UTC calendar date with x,
  so `after 2024-01-31` starts at 2024-02-01T00:00Z, `before 2024-01-31` ends before
  2024-01-31T00:00Z, `is 2024-01-31` is that whole UTC day, `inTheRange [d1, d2]` is
  d1 00:00Z <= v < (d2 + 1 day) 00:00Z.
- `now` is passed in (aware; naive = UTC) so SQL and Python use the same instant.

Playlists: `parse_rule`/`parse_query`/`parse_nsp` take `known_playlist(ref) -> bool`,
the caller's database check, and report `unknown playlist` at the condition's path (or
text offset); `playlist_refs(rule)` lists `(path, ref)` for checks made afterwards.

Sort and limit: see `ordering.py` (missing last in either direction, text by folded
code points, ties by track id ascending).
"""

from .ast import Condition, Group, Node, PlaylistRef, Rule, SortKey
from .errors import RuleError, RuleValidationError
from .evaluate import evaluate
from .explain import describe, explain
from .facts import TrackFacts
from .nsp import parse_nsp
from .ordering import sort_and_limit
from .parse import parse_rule, playlist_refs, to_json
from .render import render_query
from .text import parse_query

__all__ = [
    "Condition",
    "Group",
    "Node",
    "PlaylistRef",
    "Rule",
    "RuleError",
    "RuleValidationError",
    "SortKey",
    "TrackFacts",
    "describe",
    "evaluate",
    "explain",
    "parse_nsp",
    "parse_query",
    "parse_rule",
    "playlist_refs",
    "render_query",
    "sort_and_limit",
    "to_json",
]
