"""JSON form -> AST, reporting every problem with its path; and AST -> normalized JSON.

Normalized JSON: canonical operator names (`isnot` -> `isNot`; on date fields `gt`/`lt`
-> `after`/`before`), lowercase field names, typed values written back canonically
(dates `2024-01-31`, datetimes in UTC with `Z`), `sort` as one string (`-year,title` or
`random`) and `sort`/`limit` left out when unset. `parse_rule(to_json(r)) == r` always.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from .ast import Condition, Group, Node, PlaylistRef, Rule, SortKey, Value, child_path, walk
from .errors import RuleError, RuleValidationError
from .fields import FIELDS, FieldType, lookup_field, suggest
from .operators import DATE_ALIASES, FITS, OPERATORS, canonical_operator, fits
from .strictness import checking_new_limits
from .values import MAX_TEXT, BadValue, coerce_value

MAX_DEPTH = 20
# What one SQL query can hold on every SQLite it runs on: an `any` of conditions on related
# rows is a UNION of that many SELECTs (at most 500), a group's conditions are one level of
# expression deeper each (at most 1,000 levels); and with every list item a bound value,
# 500 conditions (30 values each at most: `isNot dateadded`) and 10,000 items stay within
# 32,766 values (SQLite since 3.32; PostgreSQL takes 65,535).
MAX_CONDITIONS = 500
MAX_VALUES = 10_000
MAX_LIMIT = 10_000
ROOT_KEYS = ("all", "any", "sort", "limit")
PLAYLIST_OPS = ("inPlaylist", "notInPlaylist")


KnownPlaylist = Callable[[PlaylistRef], bool]


class _Parser:
    def __init__(self, known_playlist: KnownPlaylist | None) -> None:
        self.errors: list[RuleError] = []
        self.conditions = 0
        self.values = 0  # the items of every `in` and `notIn` list
        self.known_playlist = known_playlist

    def error(self, path: str, message: str) -> None:
        self.errors.append(RuleError(path, message))

    def group(self, obj: dict, path: str, depth: int, root: bool = False) -> Group | None:
        kinds = [k for k in ("all", "any") if k in obj]
        if len(kinds) != 1:
            both = "use either 'all' or 'any', not both"
            self.error(path, both if kinds else 'expected {"all": [...]} or {"any": [...]}')
            return None
        kind = kinds[0]
        if not root:
            for key in (k for k in obj if k != kind):
                self.error(path, f"unexpected key '{key}' in a group")
        items, here = obj[kind], f"{path}.{kind}" if path else kind
        if not isinstance(items, list):
            self.error(here, "expected a list of conditions and groups")
            return None
        if not items and not (root and kind == "all"):
            self.error(here, "empty group")
        nodes = [self.node(item, child_path(path, kind, i), depth) for i, item in enumerate(items)]
        return Group(kind, tuple(n for n in nodes if n is not None))

    def node(self, item: Any, path: str, depth: int) -> Node | None:
        if not isinstance(item, dict):
            self.error(path, "expected a condition {OPERATOR: {FIELD: VALUE}} or a group")
            return None
        if "all" in item or "any" in item:
            if depth >= MAX_DEPTH:
                self.error(path, f"groups nested deeper than {MAX_DEPTH} levels")
                return None
            return self.group(item, path, depth + 1)
        self.conditions += 1
        return self.condition(item, path)

    def size(self) -> None:
        """The rule as a whole fits in one SQL query (see MAX_CONDITIONS)."""
        if self.conditions > MAX_CONDITIONS:
            self.error(
                "",
                f"a rule may hold at most {MAX_CONDITIONS:,} conditions; this one has "
                f"{self.conditions:,} (one 'in' list can stand for many 'is')",
            )
        if self.values > MAX_VALUES:
            self.error(
                "",
                f"a rule may compare with at most {MAX_VALUES:,} values in all its lists; "
                f"this one has {self.values:,}",
            )

    def condition(self, item: dict, path: str) -> Condition | None:
        if len(item) != 1:
            self.error(path, f"a condition has exactly one operator, got {len(item)}")
            return None
        [(raw_op, body)] = item.items()
        op, op_path = canonical_operator(str(raw_op)), f"{path}.{raw_op}"
        if op is None:
            hint = suggest(str(raw_op), list(OPERATORS))
            self.error(op_path, f"unknown operator '{raw_op}'{hint}")
            return None
        if op in PLAYLIST_OPS:
            return self.playlist(op, body, op_path)
        if not isinstance(body, dict) or len(body) != 1:
            self.error(op_path, "expected one field and its value: {FIELD: VALUE}")
            return None
        [(raw_field, raw)] = body.items()
        field, field_path = lookup_field(str(raw_field)), f"{op_path}.{raw_field}"
        if field is None:
            self.error(field_path, f"unknown field '{raw_field}'" + suggest(str(raw_field)))
            return None
        if field.type is FieldType.PLAYLIST:
            self.error(field_path, 'use {"inPlaylist": {"name": "..."}} or {"id": N}')
            return None
        if not fits(op, field.type):
            usable = ", ".join(o for o in OPERATORS if field.type in FITS[o])
            what = f"{field.name} ({field.type})"
            self.error(field_path, f"'{op}' does not apply to {what}; use {usable}")
            return None
        try:
            value = coerce_value(op, raw, field)
        except BadValue as exc:
            self.error(field_path, str(exc))
            return None
        if op in ("in", "notIn"):
            self.values += len(value)
        if field.type in (FieldType.DATE, FieldType.DATETIME):
            op = DATE_ALIASES.get(op, op)
        return Condition(op, field.name, value)

    def playlist(self, op: str, body: Any, path: str) -> Condition | None:
        if not isinstance(body, dict) or len(body) != 1 or not body.keys() <= {"id", "name"}:
            self.error(path, 'expected {"id": N} or {"name": "..."}')
            return None
        [(key, raw)] = body.items()
        if key == "id" and isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 2**63:
            ref = PlaylistRef(id=raw)
        elif key == "name" and isinstance(raw, str) and raw.strip() and len(raw) <= MAX_TEXT:
            if "\x00" in raw:
                self.error(f"{path}.{key}", "a playlist name cannot hold the NUL character")
                return None
            ref = PlaylistRef(name=raw)
        else:
            expected = "a positive whole number" if key == "id" else "a playlist name"
            self.error(f"{path}.{key}", f"expected {expected}")
            return None
        if self.known_playlist is not None and not self.known_playlist(ref):
            shown = f"#{ref.id}" if ref.id is not None else f"'{ref.name}'"
            self.error(f"{path}.{key}", f"unknown playlist {shown}")
        return Condition(op, "playlist", ref)

    def sort(self, raw: Any) -> tuple[SortKey, ...] | str:
        if not isinstance(raw, str):
            self.error("sort", "expected text like '-year,title' or 'random'")
            return ()
        if raw.strip().lower() == "random":
            return "random"
        keys: list[SortKey] = []
        for part in (p.strip() for p in raw.split(",")) if raw.strip() else ():
            name = part.lstrip("+-")
            field = lookup_field(name)
            problem = _sort_problem(part, name, field, keys)
            if problem:
                self.error("sort", problem)
            elif field is not None:
                keys.append(SortKey(field.name, part.startswith("-")))
        return tuple(keys)

    def limit(self, raw: Any) -> int | None:
        if raw is None:
            return None
        if isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= MAX_LIMIT:
            return raw
        self.error("limit", f"expected a whole number from 1 to {MAX_LIMIT}")
        return None


def _sort_problem(part: str, name: str, field: Any, keys: list[SortKey]) -> str | None:
    if not name or len(part) - len(name) > 1:
        return f"bad sort key '{part}': write a field, '-field' for descending"
    if name.lower() == "random":
        return "random cannot be combined with other sort fields"
    if field is None:
        sortable = [f.name for f in FIELDS.values() if f.sortable]
        return f"unknown sort field '{name}'" + suggest(name, sortable)
    if not field.sortable:
        return f"cannot sort by {field.name}: a track has many of them"
    if any(k.field == field.name for k in keys):
        return f"{field.name} appears twice in sort"
    return None


def parse_rule(data: Any, known_playlist: KnownPlaylist | None = None) -> Rule:
    """Validate a JSON definition; raise RuleValidationError listing every problem.

    `known_playlist(ref)` is the caller's hook to check a playlist exists (it needs the
    database): a False answer is reported as `unknown playlist` at that condition's path.
    """
    parser = _Parser(known_playlist)
    if not isinstance(data, dict):
        raise RuleValidationError([RuleError("", "expected a JSON object with 'all' or 'any'")])
    for key in (k for k in data if k not in ROOT_KEYS):
        parser.error(str(key), f"unknown key '{key}'" + suggest(str(key), list(ROOT_KEYS)))
    root = parser.group(data, "", depth=1, root=True)
    if checking_new_limits():
        parser.size()
    sort = parser.sort(data["sort"]) if data.get("sort") is not None else ()
    limit = parser.limit(data.get("limit"))
    if parser.errors or root is None:
        raise RuleValidationError(parser.errors)
    return Rule(root, sort, limit)


def to_json(rule: Rule) -> dict:
    """The normalized JSON form of a rule."""
    out: dict[str, Any] = _group_json(rule.root)
    if rule.sort:
        out["sort"] = sort_text(rule.sort)
    if rule.limit is not None:
        out["limit"] = rule.limit
    return out


def sort_text(sort: tuple[SortKey, ...] | str) -> str:
    if sort == "random":
        return "random"
    return ",".join(("-" if k.descending else "") + k.field for k in sort)


def playlist_refs(rule: Rule) -> list[tuple[str, PlaylistRef]]:
    """Every playlist a rule names, with the path to report `unknown playlist` at."""
    refs = []
    for path, node in walk(rule.root):
        if isinstance(node, Condition) and isinstance(node.value, PlaylistRef):
            key = "id" if node.value.id is not None else "name"
            refs.append((f"{path}.{node.op}.{key}", node.value))
    return refs


def _group_json(group: Group) -> dict:
    return {group.kind: [_node_json(child) for child in group.children]}


def _node_json(node: Node) -> dict:
    if isinstance(node, Group):
        return _group_json(node)
    if isinstance(node.value, PlaylistRef):
        ref = node.value
        return {node.op: {"id": ref.id} if ref.id is not None else {"name": ref.name}}
    return {node.op: {node.field: value_json(node.value)}}


def value_json(value: Value) -> Any:
    """A typed value as JSON; dates `2024-01-31`, datetimes in UTC with a `Z`."""
    if isinstance(value, tuple):
        return [value_json(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
