"""Import Navidrome smart playlists (`.nsp`).

Navidrome names map to TrackFlow's where they mean the same: the names both share,
`loved` -> `liked`, `dateloved` -> `likedat`, `releaseyear` -> `year` (TrackFlow's year
is the release year), `bpm` -> `audio.bpm`, and the `isrc` tag. `sort` (one field or a
comma list with `+`/`-`) plus `order` (`desc` reverses every key) become the `sort`
form; `name` is kept; `comment`, `public` and `global` are ignored. Every field with no
counterpart (`rating`, `playcount`, `lastplayed`, `comment` as a criterion, ...), a
Navidrome playlist id (ids do not carry over), and a non-zero `offset` are named, with
their paths, in ONE error, so nothing is silently dropped.
"""

from __future__ import annotations

import json
from typing import Any

from trackflow import bounded_json

from .ast import Rule, child_path
from .errors import RuleError, RuleValidationError
from .parse import MAX_DEPTH, KnownPlaylist, parse_rule

FIELD_MAP = {
    "title": "title",
    "album": "album",
    "artist": "artist",
    "albumartist": "albumartist",
    "genre": "genre",
    "year": "year",
    "releaseyear": "year",
    "releasedate": "releasedate",
    "dateadded": "dateadded",
    "duration": "duration",
    "loved": "liked",
    "dateloved": "likedat",
    "bpm": "audio.bpm",
    "isrc": "isrc",
}
KNOWN_KEYS = (
    "all",
    "any",
    "name",
    "comment",
    "public",
    "global",
    "sort",
    "order",
    "limit",
    "offset",
)


def strip_comments(text: str) -> str:
    """Drop `//` and `/* */` comments outside strings; newlines stay, for error lines."""
    out, i, in_string = [], 0, False
    while i < len(text):
        c, pair = text[i], text[i : i + 2]
        if in_string:
            out.append(text[i : i + 2] if c == "\\" else c)
            i += 2 if c == "\\" else 1
            in_string = c != '"'
        elif pair == "//":
            end = text.find("\n", i)
            i = len(text) if end == -1 else end
        elif pair == "/*":
            end = text.find("*/", i + 2)
            if end == -1:
                raise RuleValidationError([RuleError("", "unterminated /* comment")])
            out.append("\n" * text.count("\n", i, end))
            i = end + 2
        else:
            out.append(c)
            in_string = c == '"'
            i += 1
    return "".join(out)


class _Translator:
    def __init__(self) -> None:
        self.missing: list[tuple[str, str]] = []  # (name, path) of all without a counterpart
        self.renamed: dict[str, str] = {}  # translated path -> the path as written

    def node(self, item: Any, path: str, depth: int) -> Any:
        if not isinstance(item, dict) or depth > MAX_DEPTH:  # parse_rule reports the depth
            return item
        if "all" in item or "any" in item:
            return {key: self.children(value, path, key, depth) for key, value in item.items()}
        if len(item) != 1:
            return item
        [(op, body)] = item.items()
        if str(op).lower() in ("inplaylist", "notinplaylist"):
            if isinstance(body, dict) and "id" in body:
                self.missing.append(("Navidrome playlist id", f"{path}.{op}.id"))
            return item
        if not isinstance(body, dict) or len(body) != 1:
            return item
        [(field, value)] = body.items()
        mapped = FIELD_MAP.get(str(field).lower())
        if mapped is None:
            self.missing.append((str(field), f"{path}.{op}.{field}"))
            return item
        self.renamed[f"{path}.{op}.{mapped}"] = f"{path}.{op}.{field}"
        return {op: {mapped: value}}

    def children(self, items: Any, path: str, kind: str, depth: int = 1) -> Any:
        if kind not in ("all", "any") or not isinstance(items, list):
            return items
        return [self.node(x, child_path(path, kind, i), depth + 1) for i, x in enumerate(items)]

    def sort(self, raw: Any, order: Any) -> Any:
        if not isinstance(raw, str) or raw.strip().lower() == "random":
            return raw
        descending_all = isinstance(order, str) and order.strip().lower() == "desc"
        keys = []
        for part in (p.strip() for p in raw.split(",") if p.strip()):
            name = part.lstrip("+-")
            mapped = FIELD_MAP.get(name.lower())
            if mapped is None:
                self.missing.append((name, "sort"))
                continue
            keys.append(("-" if part.startswith("-") != descending_all else "") + mapped)
        return ",".join(keys)


def parse_nsp(text: str, known_playlist: KnownPlaylist | None = None) -> tuple[str | None, Rule]:
    """(playlist name, rule) from an `.nsp` file; RuleValidationError lists every problem."""
    try:
        data = bounded_json.loads(strip_comments(text))
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise RuleValidationError([RuleError("", problem)]) from None
    except bounded_json.TooDeep as exc:
        raise RuleValidationError([RuleError("", str(exc))]) from None
    if not isinstance(data, dict):
        raise RuleValidationError([RuleError("", "expected a JSON object")])
    translator, errors = _Translator(), []
    definition = {k: translator.children(v, "", k) for k, v in data.items() if k in ("all", "any")}
    if data.get("sort"):
        definition["sort"] = translator.sort(data["sort"], data.get("order"))
    if data.get("order") not in (None, "") and str(data["order"]).lower() not in ("asc", "desc"):
        errors.append(RuleError("order", "expected 'asc' or 'desc'"))
    if data.get("limit"):
        definition["limit"] = data["limit"]
    if data.get("offset"):
        translator.missing.append((f"offset {data['offset']}", "offset"))
    for key in (k for k in data if k not in KNOWN_KEYS):
        errors.append(RuleError(str(key), f"unknown key '{key}'"))
    name = data.get("name") if isinstance(data.get("name"), str) else None
    try:
        rule = parse_rule(definition, known_playlist)
    except RuleValidationError as exc:
        named = {path for _, path in translator.missing}
        errors.extend(_as_written(e, translator) for e in exc.errors if e.path not in named)
    if translator.missing:
        listed = ", ".join(f"{name} ({path})" for name, path in translator.missing)
        errors.insert(0, RuleError("", f"no TrackFlow counterpart for: {listed}"))
    if errors:
        raise RuleValidationError(errors)
    return name, rule


def _as_written(error: RuleError, translator: _Translator) -> RuleError:
    for translated, written in translator.renamed.items():
        if error.path == translated or error.path.startswith(translated + "."):
            return RuleError(written + error.path[len(translated) :], error.message)
    return error
