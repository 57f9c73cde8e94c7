"""The portable regex subset accepted by `matches`."""

import re
import sqlite3
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rules.dsl.regex import (
    like_patterns,
    postgres_pattern,
    python_pattern,
    required_texts,
    validate_pattern,
)


@pytest.mark.parametrize(
    "pattern",
    ["^daft", "punk$", "a.b", "a|b", "(re)?mix", "x*y+z?", "a{2}", "a{2,}", "a{2,5}",
     "[abc]", "[^abc]", "[a-z0-9]", r"\.", r"\(live\)", r"\d+", r"\w\s\D\W\S", r"[\d.]",
     r"\[", r"[\]]", "é+", "(a|b)?", "(a+)?", "((ab)c)+", "(ab){2,3}", ".*a.*", "a{2,5}b{1,9}",
     # repeats that cannot match the same text, or one after the search, two after '^'
     "a+b{2,}c*", r"\d+-\d+-\d+", r"^\d{4}-\d{2}-\d{2}$", "live.*version", "^.*live.*version",
     "x.*y", ".*a.*$", "colou?r", "(black|blue) ", "(feat|ft)\\.? .*", "^(the )?beatles$",
     "a{0,255}b", "^a*a*b", "é*ü*x", "a?b?c?d?e?f?"],
)  # fmt: skip
def test_portable_patterns_are_accepted(pattern):
    assert validate_pattern(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?i)daft", "'(?...)' groups are not portable; use plain '( )'"),
        ("(?:a)", "'(?...)' groups are not portable; use plain '( )'"),
        ("(?=a)", "'(?...)' groups are not portable; use plain '( )'"),
        ("a*?", "lazy quantifiers ('*?', '+?') are not portable"),
        ("a{1,2}?", "lazy quantifiers ('*?', '+?') are not portable"),
        (r"\bword", "'\\b' is not in the portable regex subset"),
        (r"(a)\1", "'\\1' is not in the portable regex subset"),
        (r"\n", "'\\n' is not in the portable regex subset"),
        (r"[\D]", "'\\D' is not in the portable regex subset"),
        ("[[:alpha:]]", "escape '[' inside a class as '\\['"),
        ("a{", "'{' must start a repetition like {2} or {2,5}; escape it as '\\{'"),
        ("a{,3}", "'{' must start a repetition like {2} or {2,5}; escape it as '\\{'"),
        ("a{1,x}", "bad repetition '{1,x}'"),
        ("a{300}", "bad repetition '{300}' (at most 255, min <= max)"),
        ("a{3,2}", "bad repetition '{3,2}' (at most 255, min <= max)"),
        ("}", "escape a literal '}' as '\\}'"),
        ("]", "escape a literal ']' as '\\]'"),
        ("*a", "'*' has nothing to repeat"),
        ("a**", "'*' has nothing to repeat"),
        ("(+)", "'+' has nothing to repeat"),
        ("^*", "'*' has nothing to repeat"),
        ("[]", "empty character class '[]'"),
        ("[abc", "unterminated character class '['"),
        ("abc\\", "pattern ends with a lone backslash"),
        ("(a", "invalid regular expression: missing ), unterminated subpattern"),
        ("a)", "invalid regular expression: unbalanced parenthesis"),
        ("[z-a]", "invalid regular expression: bad character range z-a"),
        ("a" * 501, "pattern longer than 500 characters"),
        ("(a+)+$", "a repeated group may not hold a repeat or '|' (too slow)"),
        ("(a|aa)*b", "a repeated group may not hold a repeat or '|' (too slow)"),
        ("((a*)b){2,9}", "a repeated group may not hold a repeat or '|' (too slow)"),
        ("a?b?c?d?e?f?g?", "too many repeats: at most 6 of '*', '+', '?', '{m,}', '{m,n}'"),
    ],
)
def test_unportable_patterns_are_refused_with_a_reason(pattern, reason):
    assert validate_pattern(pattern) == reason


def overlapping(*repeats: str) -> str:
    shown = ", ".join(r if r == "…" else f"'{r}'" for r in repeats)
    return (
        f"too many repeats that can overlap ({shown}): at most one, or two in a pattern that "
        "starts with '^' (too slow on long values)"
    )


@pytest.mark.parametrize(
    ("pattern", "repeats"),
    [
        # the search for a match anywhere is the first of them
        ("a{0,255}" * 8 + "$", ["a{0,255}"] * 3 + ["…"]),
        ("a*a*b", ["a*", "a*"]),
        (r"\w+\d+$", [r"\w+", r"\d+"]),
        (".*live.*version", [".*", ".*"]),
        (".*a.*b.*c", [".*", ".*", ".*"]),
        ("^.*a.*b.*c", [".*", ".*", ".*"]),
        ("[ab]*b[ab]*c", ["[ab]*", "[ab]*"]),
        ("(a*)?(a*)?b", ["a*", "a*"]),
        ("a?a?aa$", ["a?", "a?"]),  # so are '?' ...
        ("(a|aa)(a|aa)b", ["(a|aa)", "(a|aa)"]),  # ... and alternatives that start alike
        ("(the|they)(y|)x", ["(the|they)", "(y|)"]),
    ],
)
def test_repeats_that_can_match_the_same_text_are_refused(pattern, repeats):
    assert validate_pattern(pattern) == overlapping(*repeats)


def test_shorthand_classes_become_explicit_ascii_sets_for_both_engines():
    assert postgres_pattern(r"\d[\w-]\S$") == "[0-9][0-9A-Za-z_-][^ \\t\\n\\r\\f\\v]$"
    assert python_pattern(r"\d$") == "(?is)[0-9]\\Z"


def test_python_pattern_matches_like_postgresql_would():
    assert re.search(python_pattern("^a.b$"), "A\nB")
    assert not re.search(python_pattern("b$"), "ab\n")
    assert not re.search(python_pattern(r"\d"), "٣")


@pytest.mark.parametrize(
    ("pattern", "texts"),
    [
        ("^(love|night) ", ("ght", "love")),
        ("lo+ve", ("ve",)),
        ("(ab)?cd", ("cd",)),
        ("the (rain|storm)s?", ("the ",)),
        ("kiss", ()),  # k, i and s also match ı, İ, K and ſ, which lower() leaves alone
        ("a|b", ()),
        (r"\d+", ()),
        ("(ab|)c", ("c",)),
        ("(ab|cd|ef|gh|jl|mn|pq|rt)", ("ab", "cd", "ef", "gh", "jl", "mn", "pq", "rt")),
        ("(ab|cd|ef|gh|jl|mn|pq|rt|uv)", ()),  # a LIKE (and a bound value) each: 8 at most
    ],
)
def test_the_texts_a_pattern_needs(pattern, texts):
    assert required_texts(pattern) == texts


@pytest.mark.parametrize(
    ("pattern", "likes"),
    [
        ("^(love|night) ", ("love %", "n%")),  # i: no LIKE stands in for it
        ("^ab(c|d)e", ("abce%", "abde%")),
        ("^The [ab]", ("the a%", "the b%")),
        ("^x[ak]y", ("x%",)),  # [ak] also matches K: no letter after x
        ("^(a|b|c)(d|e|f)x", ("a%", "b%", "c%")),  # 9 beginnings: only their first letters
        ("^a_b%", ("a\\_b\\%%",)),
        ("^(ab)?c", ("%c%",)),  # may start anywhere: the texts it needs
        ("lo+ve", ("%ve%",)),
        ("^kiss", ()),
        ("^é", ()),
        (r"^\d", ()),
    ],
)
def test_the_like_patterns_a_pattern_needs(pattern, likes):
    assert like_patterns(pattern) == likes


pieces = st.sampled_from(
    ["a", "b", "o", "ve", "K", "s", "i", "é", "\u017f", " ", ".", "[ab]", r"\d", "_", "%", "[ak]"]
)


@st.composite
def patterns(draw, depth=2):
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth and draw(st.booleans()):
            inner = [draw(patterns(depth=depth - 1)) for _ in range(draw(st.integers(1, 3)))]
            part = "(" + "|".join(inner) + ")" + draw(st.sampled_from(["", "?"]))
        else:
            part = draw(pieces) + draw(st.sampled_from(["", "", "?", "+", "{2}"]))
        parts.append(part)
    anchors = draw(st.sampled_from([("", ""), ("^", ""), ("", "$")]))
    return anchors[0] + "".join(parts) + anchors[1]


# letters a case-insensitive regex matches with others outside ASCII (ı İ K ſ)
ODD_CASES = "abovekKsSiIé 1.\n\u212a\u017f\u0131\u0130"


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


@settings(max_examples=300, deadline=None)
@given(pattern=patterns(), data=st.data())
def test_every_value_a_pattern_matches_holds_one_of_its_texts(pattern, data):
    assume(validate_pattern(pattern) is None)
    compiled = re.compile(python_pattern(pattern))
    text = data.draw(st.from_regex(compiled) | st.text(st.sampled_from(ODD_CASES), max_size=8))
    if compiled.search(text):
        texts = required_texts(pattern)
        assert not texts or any(t in _ascii_lower(text) for t in texts), texts


@pytest.fixture(scope="module")
def sqlite_like():
    connection = sqlite3.connect(":memory:")
    yield lambda value, like: connection.execute(
        "SELECT ? LIKE ? ESCAPE '\\'", (value, like)
    ).fetchone()[0]
    connection.close()


ODD_TEXTS = st.text(st.sampled_from(ODD_CASES + "%_\\\x00"), max_size=8)


@settings(max_examples=300, deadline=None)
@given(pattern=patterns() | st.builds("^{}".format, patterns()), data=st.data())
def test_every_value_a_pattern_matches_fits_one_of_its_like_patterns(pattern, data, sqlite_like):
    """Checked with SQLite's own LIKE: the prefilter must never drop a match."""
    assume(validate_pattern(pattern) is None)
    compiled = re.compile(python_pattern(pattern))
    text = data.draw(st.from_regex(compiled) | ODD_TEXTS)
    if compiled.search(text):
        likes = like_patterns(pattern)
        # LIKE stops at a NUL; Matches lets such values through when a pattern looks inside
        let_through = "\x00" in text and any(like.startswith("%") for like in likes)
        assert not likes or let_through or any(sqlite_like(text, like) for like in likes), likes


@pytest.mark.parametrize(
    ("pattern", "text"),
    [("^K", "\u212a"), ("^s", "\u017f"), ("^i", "\u0131"), ("^I", "\u0130"), ("xk", "X\u212a")],
)
def test_like_patterns_keep_values_whose_letters_match_outside_ascii(pattern, text, sqlite_like):
    assert re.search(python_pattern(pattern), text)
    likes = like_patterns(pattern)
    assert not likes or any(sqlite_like(text, like) for like in likes), likes


# Pieces that can match the same text, so that backtracking has the most ways to try.
overlapping_pieces = st.sampled_from(["a", "a", "b", ".", "[ab]", r"\w", r"\d", " ", "ab", "x"])
repeats = st.sampled_from(["", "", "*", "+", "?", "{0,255}", "{2,5}", "{1,}"])


@st.composite
def risky_patterns(draw, depth=2):
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        if depth and draw(st.booleans()):
            inner = [draw(risky_patterns(depth=depth - 1)) for _ in range(draw(st.integers(1, 3)))]
            parts.append("(" + "|".join(inner) + ")" + draw(st.sampled_from(["", "?", "*", "{2}"])))
        else:
            parts.append(draw(overlapping_pieces) + draw(repeats))
    return draw(st.sampled_from(["", "^"])) + "".join(parts) + draw(st.sampled_from(["", "$", "!"]))


@settings(max_examples=100, deadline=None)
@given(
    pattern=risky_patterns(),
    run=st.sampled_from(["a", "b", "ab", "aab", "1", " ", "x", "a1"]),
    end=st.sampled_from(["\N{SNOWMAN}", ""]),
)
def test_an_accepted_pattern_searches_a_long_value_in_bounded_time(pattern, run, end):
    """A safety bound, not a benchmark. One repeat already costs the square of the length
    (the search backs it off at every position): about 0.1 s on 2,000 characters, 1 s on
    10,000. What the check refuses costs a further factor of the length or more: `a*a*b`
    takes 30 s on 2,000 characters, eight `a{0,255}` hours on 60."""
    assume(validate_pattern(pattern) is None)
    compiled = re.compile(python_pattern(pattern))
    value = run * (2000 // len(run)) + end

    started = time.perf_counter()
    compiled.search(value)
    assert time.perf_counter() - started < 2.0, pattern
