"""Which portable regexes Python's backtracking `re` (the evaluator, SQLite's REGEXP) runs in
bounded time on a long value, read from the pattern's pieces (`regex.py` builds them).

`re.search` tries the pattern at every position of the value, and at each one a repeat that
fails further on is backed off one character at a time: one repeat costs the square of the
value's length (about a second on 10,000 characters), which no check can avoid. Each
further repeat that can match the same text as the one before it multiplies by the length
again. So a pattern may hold:

- no repeated group holding a repeat or `|` (`(a+)+`, `(a|b)*`: exponential); `?` is fine;
- at most two CHOICES in a row that can match the same text, the search counting as one
  unless the pattern starts with `^`. A choice is a repeat (`*`, `+`, `{m,}`, and `{m,n}`
  with n > m, however small: eight `a{0,255}` are 255^8 ways to split a run of a's), a `?`,
  or a group whose alternatives can start alike (`(a|aa)`). Two choices "can match the same
  text" when they share a character and what lies between them does too (`a*a*`,
  `\\w+\\d+`, `.*x.*`; not `a*b*` or `\\d+-\\d+`). A choice that ends the pattern never backs
  off, so `.*a.*` is one choice after the search;
- at most six choices in all, so `?` and bounded repeats cannot multiply up either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations

MAX_IN_A_ROW = 2  # the search included
MAX_CHOICES = 6
# Letters whose case partners lie outside ASCII (K: Kelvin, ſ: long s, ı İ), and a stand-in
# for every other character outside ASCII.
_PARTNERS = "\u212a\u017f\u0131\u0130\u4e00"


class PatternError(ValueError):
    pass


@dataclass
class Piece:
    """One item of a sequence: a character (its Python regex), an anchor or a group."""

    source: str  # as written, for messages
    atom: str = ""  # 'a', '\\.', '[0-9]', '.'; "" for a group or an anchor
    anchor: str = ""  # '^' or '$'
    branches: list[list[Piece]] = field(default_factory=list)
    quantifier: str = ""
    low: int = 1
    high: float = 1  # math.inf: no upper bound

    def repeat(self, quantifier: str, low: int, high: float) -> None:
        self.source += quantifier
        self.quantifier, self.low, self.high = quantifier, low, high

    def pieces(self) -> Iterator[Piece]:
        """This piece and every piece inside it."""
        yield self
        for branch in self.branches:
            for piece in branch:
                yield from piece.pieces()

    @property
    def varies(self) -> bool:
        """A repeat or a `?`: how often it matches is chosen while matching."""
        return self.high > self.low


def check(root: Piece) -> None:
    """Raise PatternError when backtracking could take more than quadratic time."""
    for piece in root.pieces():
        if piece.branches and piece.quantifier and piece.quantifier != "?":
            inner = [p for p in piece.pieces() if p is not piece]
            if len(piece.branches) > 1 or any(p.quantifier or len(p.branches) > 1 for p in inner):
                raise PatternError("a repeated group may not hold a repeat or '|' (too slow)")
    _Overlaps(root).check()
    if sum(p.varies for p in root.pieces()) > MAX_CHOICES:
        raise PatternError(
            f"too many repeats: at most {MAX_CHOICES} of '*', '+', '?', '{{m,}}', '{{m,n}}'"
        )


@dataclass(frozen=True)
class _Chain:
    """Choices in a row that can match the same text; `mask`: the last one's characters."""

    members: tuple[str, ...]
    mask: int


class _Overlaps:
    """The longest chain of overlapping choices, found left to right through the pieces."""

    def __init__(self, root: Piece) -> None:
        self.root = root
        self.chars = _Characters(root)
        self.worst = _Chain((), 0)

    def check(self) -> None:
        search = _Chain(("",), self.chars.everything)  # the search itself; '^' ends it
        self.branches(self.root, [search], tail=True)
        if len(self.worst.members) > MAX_IN_A_ROW:
            members = [f"'{m}'" for m in self.worst.members if m]
            shown = ", ".join(members[:3] + ["…"] * (len(members) > 3))
            raise PatternError(
                f"too many repeats that can overlap ({shown}): at most one, or two in a "
                "pattern that starts with '^' (too slow on long values)"
            )

    def branches(self, group: Piece, chains: list[_Chain], tail: bool) -> list[_Chain]:
        out = [c for branch in group.branches for c in self.sequence(branch, chains, tail)]
        return out + chains if group.low == 0 else out

    def sequence(self, pieces: list[Piece], chains: list[_Chain], tail: bool) -> list[_Chain]:
        for i, piece in enumerate(pieces):
            chains = self.piece(piece, chains, tail and self.ends(piece, pieces[i + 1 :]))
        return chains

    def ends(self, piece: Piece, rest: list[Piece]) -> bool:
        """Nothing after `piece` can fail: it is last, or `.*` before `$`."""
        anything = self.chars.mask(piece) == self.chars.everything
        return not rest or (anything and all(p.anchor == "$" for p in rest))

    def piece(self, piece: Piece, chains: list[_Chain], tail: bool) -> list[_Chain]:
        if piece.anchor:  # nothing is matched across the start or the end of the value
            return []
        if piece.branches and self.holds_choices(piece):
            return self.branches(piece, chains, tail)
        mask = self.chars.mask(piece)
        grown = []
        if not tail and self.chars.choice(piece):
            grown = [_Chain((*c.members, piece.source), mask) for c in chains if c.mask & mask]
            grown.append(_Chain((piece.source,), mask))
            self.worst = max([self.worst, *grown], key=lambda c: len(c.members))
        kept = chains if self.chars.nullable(piece) else [c for c in chains if c.mask & mask]
        return _longest_per_mask(kept + grown)

    def holds_choices(self, group: Piece) -> bool:
        return any(self.chars.choice(p) for p in group.pieces() if p is not group)


def _longest_per_mask(chains: list[_Chain]) -> list[_Chain]:
    best: dict[int, _Chain] = {}
    for chain in chains:
        if len(chain.members) > len(best.get(chain.mask, _Chain((), 0)).members):
            best[chain.mask] = chain
    return list(best.values())


class _Characters:
    """The characters a piece can match, as bits over ASCII, the pattern's own characters
    outside ASCII (and their case partners), and stand-ins for every other character."""

    def __init__(self, root: Piece) -> None:
        atoms = "".join(p.atom for p in root.pieces())
        wide = {c for c in atoms if not c.isascii()}
        wide |= {v for c in wide for v in (c.lower(), c.upper()) if len(v) == 1}
        self.universe = [chr(i) for i in range(128)] + sorted(wide | set(_PARTNERS))
        self.everything = (1 << len(self.universe)) - 1
        self.outside_ascii = self.everything ^ ((1 << 128) - 1)
        self.seen: dict[str, int] = {}
        # by id(piece): the pieces live as long as this object
        self.choices: dict[int, bool] = {}
        self.empty: dict[int, bool] = {}

    def mask(self, piece: Piece) -> int:
        if piece.atom:
            return self.atom(piece.atom)
        return _or(self.mask(p) for branch in piece.branches for p in branch)

    def atom(self, atom: str) -> int:
        if atom in self.seen:
            return self.seen[atom]
        found = _or(1 << i for i, c in enumerate(self.universe) if _matcher(atom)(c))
        if atom.startswith("[") and not atom.isascii():  # a range may reach any of them
            found |= self.outside_ascii
        self.seen[atom] = found
        return found

    def nullable(self, piece: Piece) -> bool:
        """Whether the piece can match nothing at all."""
        if id(piece) not in self.empty:
            branches = piece.branches
            empty = any(self.nullable_seq(b) for b in branches) if branches else False
            self.empty[id(piece)] = piece.low == 0 or bool(piece.anchor) or empty
        return self.empty[id(piece)]

    def nullable_seq(self, pieces: list[Piece]) -> bool:
        return all(self.nullable(p) for p in pieces)

    def first(self, pieces: list[Piece]) -> int:
        found = 0
        for piece in pieces:
            if piece.branches:
                found |= _or(self.first(b) for b in piece.branches)
            else:
                found |= self.mask(piece)
            if not self.nullable(piece):
                break
        return found

    def choice(self, piece: Piece) -> bool:
        """A repeat, a `?`, or alternatives that can match at the same place."""
        if id(piece) not in self.choices:
            self.choices[id(piece)] = piece.varies or self.ambiguous(piece)
        return self.choices[id(piece)]

    def ambiguous(self, group: Piece) -> bool:
        """Whether two alternatives can match at the same place: one is empty, or they
        start alike (plain words only when one begins the other: not `(black|blue)`)."""
        if len(group.branches) < 2:
            return False
        if any(self.nullable_seq(b) for b in group.branches):
            return True
        return any(
            self.first(x) & self.first(y) and not _distinct_words(x, y)
            for x, y in combinations(group.branches, 2)
        )


def _distinct_words(x: list[Piece], y: list[Piece]) -> bool:
    """Two alternatives of plain characters, neither of which begins the other."""
    if any(p.branches or p.anchor or p.quantifier for p in x + y):
        return False
    if any(p.atom.startswith(("[", ".")) for p in x + y):
        return False
    wx, wy = "".join(p.atom for p in x), "".join(p.atom for p in y)
    text_x, text_y = re.sub(r"\\(.)", r"\1", wx), re.sub(r"\\(.)", r"\1", wy)
    return not (_matcher(wx, whole=False)(text_y) or _matcher(wy, whole=False)(text_x))


@cache
def _matcher(regex: str, whole: bool = True):
    compiled = re.compile("(?is)" + regex)
    return compiled.fullmatch if whole else compiled.match


def _or(bits) -> int:
    out = 0
    for b in bits:
        out |= b
    return out
