"""The rule AST: immutable, hashable, comparable, so round-trips can be checked with `==`.

Values are already typed: `str`, `int`, `float`, `bool`, `datetime.date`, aware UTC
`datetime.datetime`, tuples for `in`/`notIn`/`inTheRange`/`notInTheRange`, `PlaylistRef`
for playlists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, TypeAlias

Scalar: TypeAlias = str | int | float | bool | dt.date | dt.datetime


@dataclass(frozen=True)
class PlaylistRef:
    """A playlist named by id or by name (exactly one is set); the caller resolves it."""

    id: int | None = None
    name: str | None = None


Value: TypeAlias = Scalar | tuple[Scalar, ...] | PlaylistRef


@dataclass(frozen=True)
class Condition:
    """`{op: {field: value}}`; `field` is lowercase, `op` canonical (`isNot`, not `isnot`)."""

    op: str
    field: str
    value: Value


@dataclass(frozen=True)
class Group:
    """`all` (every child matches) or `any` (at least one child matches)."""

    kind: Literal["all", "any"]
    children: tuple[Node, ...]


Node: TypeAlias = Group | Condition


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True)
class Rule:
    """A whole rule: what to select, in which order, and how many."""

    root: Group
    sort: tuple[SortKey, ...] | Literal["random"] = ()
    limit: int | None = None


def child_path(path: str, kind: str, index: int) -> str:
    """`all[2]` under the root, `all[2].any[1]` below it: the paths errors use."""
    return f"{path}.{kind}[{index}]" if path else f"{kind}[{index}]"


def walk(group: Group, path: str = "") -> Iterator[tuple[str, Node]]:
    """Every node below `group` with its path, depth first, in document order."""
    for index, child in enumerate(group.children):
        here = child_path(path, group.kind, index)
        yield here, child
        if isinstance(child, Group):
            yield from walk(child, here)
