"""Tokens of the short text form, read one character at a time.

A term is a bare word (`daft`), a quoted phrase (`"daft punk"`), or `field:VALUE` where
VALUE may start with one of `= ~ > >= < <=` and is a bare run of characters or a quoted
string. In quotes, `\\"` is a quote and `\\\\` a backslash; any other backslash is kept,
so `"\\d+"` is the regex `\\d+`. Outside quotes, whitespace and parentheses end a word; a
`(` right after a word or value is an error (quote a value that holds one).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import RuleError, RuleValidationError

PREFIXES = (">=", "<=", ">", "<", "=", "~")
KEYWORDS = ("OR", "AND")
MAX_QUERY = 10_000


@dataclass(frozen=True)
class Token:
    """`kind` is `(`, `)`, `-`, `OR`, `AND`, `TERM` or `END`; `pos` a character offset."""

    kind: str
    pos: int
    field: str | None = None
    prefix: str = ""
    value: str = ""
    quoted: bool = False


def syntax_error(pos: int, message: str) -> RuleValidationError:
    return RuleValidationError([RuleError(f"text[{pos}]", message)])


def _name_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c in "_.")


def _ends_word(c: str) -> bool:
    return c.isspace() or c in "()"


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text, self.i = text, 0

    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.text[j] if j < len(self.text) else ""

    def quoted(self) -> str:
        start, out = self.i, []
        self.i += 1
        while self.i < len(self.text):
            c = self.text[self.i]
            if c == '"':
                self.i += 1
                return "".join(out)
            if c == "\\" and self.peek(1) in ('"', "\\"):
                c = self.peek(1)
                self.i += 1
            out.append(c)
            self.i += 1
        raise syntax_error(start, "unterminated string: missing closing '\"'")

    def bare(self) -> str:
        start = self.i
        while self.i < len(self.text) and not _ends_word(self.text[self.i]):
            if self.text[self.i] == '"':
                raise syntax_error(self.i, "unexpected '\"' inside a word; quote the whole value")
            self.i += 1
        return self.text[start : self.i]

    def field_name(self) -> str | None:
        """The `name` of `name:` at the cursor (consumed with its colon), else None."""
        j = self.i
        if not ("a" <= self.peek().lower() <= "z"):
            return None
        while j < len(self.text) and _name_char(self.text[j]):
            j += 1
        if j < len(self.text) and self.text[j] == ":":
            name, self.i = self.text[self.i : j], j + 1
            return name
        return None

    def term(self) -> Token:
        start = self.i
        if self.peek() == '"':
            return Token("TERM", start, value=self.quoted(), quoted=True)
        field = self.field_name()
        if field is None:
            word = self.bare()
            if word in KEYWORDS:
                return Token(word, start)
            self.no_parenthesis(f"the word '{word}': quote it, or put a space before a group")
            return Token("TERM", start, value=word)
        prefix = next((p for p in PREFIXES if self.text.startswith(p, self.i)), "")
        self.i += len(prefix)
        if self.peek() == '"':
            return Token("TERM", start, field, prefix, self.quoted(), quoted=True)
        value = self.bare()
        if not value:
            hint = " (quote a value that holds parentheses)" if self.peek() == "(" else ""
            raise syntax_error(self.i, f"expected a value after '{field}:{prefix}'{hint}")
        hint = f'quote a value that holds parentheses, as in {field}:{prefix}"..."'
        self.no_parenthesis(f"the value of '{field}:{prefix}': {hint}")
        return Token("TERM", start, field, prefix, value)

    def no_parenthesis(self, where: str) -> None:
        """A `(` right after a word would start a group and cut the word in two, changing
        the rule without a word said: `title:foo(bar)` would be `title:foo (bar)`."""
        if self.peek() == "(":
            raise syntax_error(self.i, f"'(' inside {where}")

    def tokens(self) -> list[Token]:
        out = []
        while True:
            while self.peek().isspace():
                self.i += 1
            c, pos = self.peek(), self.i
            if not c:
                return [*out, Token("END", pos)]
            if c in "()":
                out.append(Token(c, pos))
                self.i += 1
            elif c == "-":
                if not self.peek(1) or self.peek(1).isspace() or self.peek(1) == ")":
                    raise syntax_error(pos, "expected a term right after '-'")
                out.append(Token("-", pos))
                self.i += 1
            else:
                out.append(self.term())


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, ending with an `END` token; RuleValidationError on bad input."""
    if len(text) > MAX_QUERY:
        raise syntax_error(MAX_QUERY, f"query longer than {MAX_QUERY} characters")
    return _Lexer(text).tokens()
