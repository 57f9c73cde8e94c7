"""`matches`: a portable subset of regular expressions.

The same pattern must select the same tracks in Python `re` (the evaluator, and SQLite,
where Django's REGEXP calls `re.search`) and in PostgreSQL's `~*`. Allowed:

- literal characters; `.` (any character, newlines included); `^` and `$` (start and end
  of the whole value); `|`; plain groups `( )`;
- quantifiers `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}` (m, n <= 255), greedy only;
- classes `[abc]`, `[^abc]`, ranges `[a-z]`;
- escapes: a backslash before punctuation (`\\.`, `\\(`) is that character; `\\d` `\\w` `\\s`
  (and `\\D` `\\W` `\\S` outside classes) mean the ASCII sets `[0-9]`, `[0-9A-Za-z_]`,
  `[ \\t\\n\\r\\f\\v]` and are rewritten to exactly those sets for both engines.

Refused, because the engines disagree or one lacks it: `(?...)` (flags, lookaround,
non-capturing and named groups), lazy quantifiers, back-references and every other
backslash-letter escape (`\\b` is a word boundary in Python and a backspace in
PostgreSQL), POSIX `[[:alpha:]]`, bare `{` `}` `]`, and an unescaped `[` in a class.

Refused because Python's backtracking (the evaluator, and SQLite) could take minutes on
one long value (`backtracking.py`): a repeated group that holds a repeat or `|` (`(a+)+`,
`(a|b)*`; `?` on any group is fine), more than one repeat that can match the same text
(`a*a*b`, `\\w+\\d+`, `.*x.*y`; two after a leading `^`), and more than six repeats.
Matching searches anywhere in the value and ignores case (the engines agree on ASCII).
"""

from __future__ import annotations

import math
import re

from .backtracking import PatternError, Piece, check
from .strictness import checking_new_limits

MAX_PATTERN = 500
_SETS = {"d": "0-9", "w": "0-9A-Za-z_", "s": " \\t\\n\\r\\f\\v"}
_PUNCT = set("\\.^$*+?{}[]()|-/ '\"#&~!%,:;<=>@`")


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """Translate the escape at pattern[i] (a backslash); return (text, next index)."""
    if i + 1 >= len(pattern):
        raise PatternError("pattern ends with a lone backslash")
    c = pattern[i + 1]
    if c in _SETS:
        return (_SETS[c] if in_class else f"[{_SETS[c]}]"), i + 2
    if c in "DWS" and not in_class:
        return f"[^{_SETS[c.lower()]}]", i + 2
    if c in _PUNCT:
        return "\\" + c, i + 2
    raise PatternError(f"'\\{c}' is not in the portable regex subset")


def _class(pattern: str, i: int) -> tuple[str, int]:
    """Translate the class opening at pattern[i] ('['); return (text, next index)."""
    out, i = ["["], i + 1
    if i < len(pattern) and pattern[i] == "^":
        out.append("^")
        i += 1
    start = i
    while i < len(pattern) and pattern[i] != "]":
        c = pattern[i]
        if c == "[":
            raise PatternError("escape '[' inside a class as '\\['")
        if c == "\\":
            text, i = _escape(pattern, i, in_class=True)
            out.append(text)
            continue
        out.append(c)
        i += 1
    if i >= len(pattern):
        raise PatternError("unterminated character class '['")
    if i == start:
        raise PatternError("empty character class '[]'")
    return "".join(out) + "]", i + 1


def _quantifier(pattern: str, i: int) -> tuple[int, int, float]:
    """Check the quantifier at pattern[i]; return (index after it, its min, its max)."""
    if pattern[i] in "*+?":
        return i + 1, int(pattern[i] == "+"), 1 if pattern[i] == "?" else math.inf
    end = pattern.find("}", i)
    body = pattern[i + 1 : end] if end != -1 else ""
    parts = body.split(",")
    if end == -1 or len(parts) > 2 or not parts[0].isdigit():
        raise PatternError("'{' must start a repetition like {2} or {2,5}; escape it as '\\{'")
    if len(parts) == 2 and parts[1] and not parts[1].isdigit():
        raise PatternError(f"bad repetition '{{{body}}}'")
    numbers = [int(p) for p in parts if p]
    if any(n > 255 for n in numbers) or (len(numbers) == 2 and numbers[0] > numbers[1]):
        raise PatternError(f"bad repetition '{{{body}}}' (at most 255, min <= max)")
    high = numbers[-1] if len(parts) == 1 or parts[1] else math.inf
    return end + 1, numbers[0], high


class _Pieces:
    """The pattern's pieces as they are read (`backtracking.Piece`), groups nested."""

    def __init__(self) -> None:
        self.root = Piece("", branches=[[]])
        self.open: list[tuple[Piece, int]] = [(self.root, 0)]

    def add(self, piece: Piece) -> None:
        self.open[-1][0].branches[-1].append(piece)

    def repeat(self, quantifier: str, low: int, high: float) -> None:
        branch = self.open[-1][0].branches[-1]
        if branch:  # else after a stray ')', which re.compile refuses
            branch[-1].repeat(quantifier, low, high)

    def see(self, pattern: str, start: int, end: int, text: str) -> None:
        c = pattern[start]
        if c == "(":
            self.open.append((Piece("", branches=[[]]), start))
        elif c == ")" and len(self.open) > 1:  # else re.compile says what is wrong
            group, opened = self.open.pop()
            group.source = pattern[opened:end]
            self.add(group)
        elif c == "|":
            self.open[-1][0].branches.append([])
        elif c in "^$":
            self.add(Piece(c, anchor=c))
        elif c != ")":
            self.add(Piece(pattern[start:end], atom=text))


def _translate(pattern: str, end_anchor: str) -> tuple[str, Piece]:
    """The pattern for one engine (`$` written as `end_anchor`), and its pieces."""
    out: list[str] = []
    pieces = _Pieces()
    i, prev_quantifiable, prev_quantifier = 0, False, False
    while i < len(pattern):
        c, start, quantifier = pattern[i], i, ""
        if c == "\\":
            text, i = _escape(pattern, i, in_class=False)
        elif c == "[":
            text, i = _class(pattern, i)
        elif c in "*+?{":
            if prev_quantifier and c == "?":
                raise PatternError("lazy quantifiers ('*?', '+?') are not portable")
            if not prev_quantifiable:
                raise PatternError(f"'{c}' has nothing to repeat")
            i, low, high = _quantifier(pattern, i)
            text = quantifier = pattern[start:i]
            pieces.repeat(quantifier, low, high)
        elif c == "(" and pattern.startswith("(?", i):
            raise PatternError("'(?...)' groups are not portable; use plain '( )'")
        elif c in "}]":
            raise PatternError(f"escape a literal '{c}' as '\\{c}'")
        else:
            text, i = (end_anchor if c == "$" else c), i + 1
        if not quantifier:
            pieces.see(pattern, start, i, text)
        out.append(text)
        prev_quantifiable = not quantifier and c not in "(|^$"
        prev_quantifier = bool(quantifier)
    return "".join(out), pieces.root


def validate_pattern(pattern: str) -> str | None:
    """The reason a pattern is refused, or None when it is portable and compiles."""
    if len(pattern) > MAX_PATTERN:
        return f"pattern longer than {MAX_PATTERN} characters"
    try:
        text, root = _translate(pattern, end_anchor="\\Z")
        re.compile(text)
        if checking_new_limits():
            check(root)
    except PatternError as exc:
        return str(exc)
    except re.error as exc:
        return f"invalid regular expression: {exc.msg}"
    return None


def python_pattern(pattern: str) -> str:
    """For `re.search` (evaluator, SQLite REGEXP): `$` becomes `\\Z`, flags i and s lead."""
    return "(?is)" + _translate(pattern, end_anchor="\\Z")[0]


def postgres_pattern(pattern: str) -> str:
    """For PostgreSQL `value ~* pattern` (case-insensitive; `.` matches newlines there)."""
    return _translate(pattern, end_anchor="$")[0]


# Letters a case-insensitive `re` also matches with a character outside ASCII (ı and İ
# for i, K for k, ſ for s), which SQLite's lower() would not bring to the literal.
_UNSAFE = set("iksIKS")


def required_texts(pattern: str) -> tuple[str, ...]:
    """Lowercase ASCII texts one of which is in every value the pattern matches, once the
    value's ASCII letters are lowered (SQLite's lower()); () when there is no such set.

    A cheap test to run before the regex itself: `^(love|night) ` needs "love" or "ght".
    """
    from re import _parser

    found = _required(_parser.parse(python_pattern(pattern)))
    return tuple(sorted(found)) if found else ()


def _required(items) -> frozenset[str] | None:
    """The most selective requirement of a sequence: a run of literal characters, or the
    requirement of a group, an alternation (each branch's) or a repeat done at least once."""
    from re import _constants as c

    best: frozenset[str] | None = None
    run: list[str] = []

    def ended(best):
        text = "".join(run)
        run.clear()
        return _better(best, frozenset([text]) if text else None)

    for op, arg in items:
        if op is c.LITERAL and arg < 128 and chr(arg) not in _UNSAFE:
            run.append(chr(arg).lower())
            continue
        best = ended(best)
        if op is c.SUBPATTERN:
            best = _better(best, _required(arg[-1]))
        elif op is c.BRANCH:
            branches = [_required(branch) for branch in arg[1]]
            found = frozenset().union(*branches) if all(branches) else frozenset()
            if len(found) <= MAX_PREFIXES:  # each is one more LIKE and bound value
                best = _better(best, found or None)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
            best = _better(best, _required(arg[2]))
    return ended(best)


MAX_PREFIXES = 8


def like_patterns(pattern: str) -> tuple[str, ...]:
    """SQLite LIKE patterns (escape `\\`) one of which every value the pattern matches
    fits; () when there are none. LIKE ignores the case of ASCII letters, in C and without
    copying the value, so it is the cheap test run before REGEXP calls Python.

    A pattern anchored at the start gives its possible beginnings (`^(love|night) ` ->
    `love %`, `n%`), otherwise its required texts anywhere (`lo+ve` -> `%ve%`; LIKE does
    not read past a NUL character, so the caller lets values holding one through)."""
    from re import _constants as c
    from re import _parser

    items = list(_parser.parse(python_pattern(pattern)))
    if items and items[0] == (c.AT, c.AT_BEGINNING):
        beginnings = {text for text, _ in _prefixes(items[1:])}
        if all(beginnings):
            return tuple(sorted(_like_escape(text) + "%" for text in beginnings))
    return tuple(f"%{_like_escape(text)}%" for text in required_texts(pattern))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefixes(items) -> set[tuple[str, bool]]:
    """The lowercase ASCII texts one of which every match of `items` starts with, each
    with whether it is the whole match so far (so what follows may be appended)."""
    from re import _constants as c

    found = {("", True)}
    for op, arg in items:
        if op is c.LITERAL:
            tails = _safe_letter(arg)
        elif op is c.IN and all(kind is c.LITERAL for kind, _ in arg):
            letters = [_safe_letter(code) for _, code in arg]
            tails = set().union(*letters) if all(letters) else set()
        elif op is c.SUBPATTERN:
            tails = _prefixes(arg[-1])
        elif op is c.BRANCH:
            tails = set().union(*(_prefixes(branch) for branch in arg[1]))
        else:
            tails = set()
        if not tails or any(text == "" for text, _ in tails):
            return {(text, False) for text, _ in found}
        grown = {(head, False) for head, open_ in found if not open_}
        grown |= {(head + tail, more) for head, open_ in found if open_ for tail, more in tails}
        if len(grown) > MAX_PREFIXES:
            return {(text, False) for text, _ in found}
        found = grown
    return found


def _safe_letter(code: int) -> set[tuple[str, bool]]:
    """One literal character as a prefix, unless LIKE could not stand in for the regex on
    it (outside ASCII, or a letter with case partners outside ASCII): then none."""
    char = chr(code)
    if code >= 128 or char in _UNSAFE:
        return set()
    return {(char.lower(), True)}


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The set whose shortest text is longer (fewer values contain it)."""
    if not a or not b:
        return a or b
    return b if min(map(len, b)) > min(map(len, a)) else a
