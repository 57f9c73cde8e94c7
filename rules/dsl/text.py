"""The short text form -> JSON -> `parse_rule`, so both forms share one validation.

    query    := options and alternatives
    alts     := sequence ("OR" sequence)*
    sequence := unary (["AND"] unary)*
    unary    := "-" unary | "(" alts ")" | TERM

Structure: the whole query is an `all` of its terms, or an `any` when it has top-level
`OR`s; parentheses always make a group (`all` unless they hold an `OR`); an `OR`
alternative of several terms is an `all` group. `-` negates exactly, by De Morgan: a group
flips `all`/`any` and negates its members; a condition takes its negative partner
(`contains` <-> `notContains`, `is` <-> `isNot`, `matches` <-> `notMatches`, `inTheRange`
<-> `notInTheRange`, `inTheLast` <-> `notInTheLast`, `inPlaylist` <-> `notInPlaylist`).
A comparison has none: NOT `year:>2000` is `year:<=2000` OR no year, `{"any": [{"lte":
...}, {"isMissing": ...}]}`, which `render` says as `-year:>2000` again. On `PROVIDER.KEY`
a value that is not a number would match the NOT too, which nothing else says, so `-` on
a comparison there is an error: the text form never changes meaning silently.
"""

from __future__ import annotations

from .ast import Rule, child_path
from .errors import RuleError, RuleValidationError
from .fields import FieldType, lookup_field
from .lexer import Token, syntax_error, tokenize
from .operators import NEGATION, OPPOSITE
from .parse import MAX_DEPTH, KnownPlaylist, parse_rule
from .terms import Piece, term_piece

OPTIONS = ("sort", "limit")


def negate(piece: Piece, pos: int) -> Piece:
    if piece.cond is None:
        kind = "any" if piece.kind == "all" else "all"
        return Piece(piece.pos, kind=kind, kids=[negate(kid, pos) for kid in piece.kids])
    [(op, body)] = piece.cond.items()
    if op in OPPOSITE:
        return _not_compared(piece, op, body, pos)
    if op not in NEGATION:
        raise syntax_error(pos, f"'{op}' cannot be negated with '-'")
    return Piece(piece.pos, cond={NEGATION[op]: body})


def _not_compared(piece: Piece, op: str, body: dict, pos: int) -> Piece:
    """NOT `year > x`: `year <= x`, or no year (see the module's docstring)."""
    [name] = body
    field = lookup_field(name)
    if field is not None and field.type is FieldType.DYNAMIC:
        problem = f"'{op}' on {field.name} cannot be negated with '-' (a value that is not"
        raise syntax_error(pos, problem + " a number would match too); write the opposite")
    missing = Piece(piece.pos, {"isMissing": {name: True}})
    return Piece(piece.pos, kind="any", kids=[Piece(piece.pos, {OPPOSITE[op]: body}), missing])


def _group(alternatives: list[list[Piece]], pos: int) -> Piece:
    if len(alternatives) == 1:
        return Piece(pos, kind="all", kids=alternatives[0])
    kids = [alt[0] if len(alt) == 1 else Piece(alt[0].pos, kids=alt) for alt in alternatives]
    return Piece(pos, kind="any", kids=kids)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens, self.i, self.depth = tokenize(text), 0, 0
        self.options: dict[str, Token] = {}

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def alternatives(self) -> list[list[Piece]]:
        alternatives = [self.sequence()]
        while self.token.kind == "OR":
            or_token = self.take()
            alternatives.append(self.sequence())
            if not alternatives[-2] or not alternatives[-1]:
                raise syntax_error(or_token.pos, "'OR' needs a term on each side")
        return alternatives

    def sequence(self) -> list[Piece]:
        pieces: list[Piece] = []
        while self.token.kind in ("TERM", "(", "-", "AND"):
            if self.token.kind == "AND":
                and_token = self.take()
                if not pieces or self.token.kind not in ("TERM", "(", "-"):
                    raise syntax_error(and_token.pos, "'AND' needs a term on each side")
            piece = self.unary()
            if piece is not None:
                pieces.append(piece)
        return pieces

    def unary(self) -> Piece | None:
        minus = self.token
        negated = False
        while self.token.kind == "-":  # a loop, not recursion: "-----x" is fine
            negated = not negated
            self.take()
        token = self.take()
        if token.kind == "(":
            piece = self.parenthesized(token)
        elif token.field is not None and token.field.lower() in OPTIONS:
            if minus is not token:
                raise syntax_error(minus.pos, "sort: and limit: cannot be negated")
            return self.option(token)
        elif token.kind == "TERM":
            piece = term_piece(token)
        else:
            raise syntax_error(token.pos, f"expected a term, got '{token.kind}'")
        return negate(piece, minus.pos) if negated else piece

    def parenthesized(self, token: Token) -> Piece:
        if self.depth + 1 >= MAX_DEPTH:  # the query itself is the outermost group
            raise syntax_error(token.pos, f"groups nested deeper than {MAX_DEPTH} levels")
        self.depth += 1
        alternatives = self.alternatives()
        if self.token.kind != ")":
            raise syntax_error(self.token.pos, "expected ')'")
        self.take()
        self.depth -= 1
        if not alternatives[0]:
            raise syntax_error(token.pos, "empty parentheses")
        return _group(alternatives, token.pos)

    def option(self, token: Token) -> None:
        name = token.field.lower()
        if self.depth or name in self.options or token.prefix:
            problem = "given twice" if name in self.options else "goes at the top level, as-is"
            raise syntax_error(token.pos, f"{name}: {problem}")
        self.options[name] = token

    def parse(self) -> tuple[Piece, dict]:
        root = _group(self.alternatives(), 0)
        if self.token.kind != "END":
            raise syntax_error(self.token.pos, f"unexpected '{self.token.kind}'")
        data = root.json()
        if "sort" in self.options:
            data["sort"] = self.options["sort"].value
        if "limit" in self.options:
            raw = self.options["limit"].value
            data["limit"] = int(raw) if raw.isascii() and raw.isdigit() else raw
        return root, data


def _positions(piece: Piece, path: str, out: dict[str, int]) -> dict[str, int]:
    out[path] = piece.pos
    for index, kid in enumerate(piece.kids):
        _positions(kid, child_path(path, piece.kind, index), out)
    return out


def _at(path: str, known: dict[str, int]) -> int:
    """The offset of the deepest typed piece that an error path falls under."""
    while path not in known:
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return known[path]


def parse_query(text: str, known_playlist: KnownPlaylist | None = None) -> Rule:
    """Parse the text form; errors are reported as `text[N]` with N a character offset.

    `known_playlist` is `parse_rule`'s hook for `unknown playlist` errors.
    """
    parser = _Parser(text)
    root, data = parser.parse()
    try:
        return parse_rule(data, known_playlist)
    except RuleValidationError as exc:
        known = _positions(root, "", {})
        known.update({name: token.pos for name, token in parser.options.items()})
        located = sorted({(_at(e.path, known), e.message) for e in exc.errors})
        errors = [RuleError(f"text[{pos}]", message) for pos, message in located]
        raise RuleValidationError(errors) from None
