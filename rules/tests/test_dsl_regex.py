"""The portable regex subset accepted by `matches`."""

import re

import pytest

from rules.dsl.regex import postgres_pattern, python_pattern, validate_pattern


@pytest.mark.parametrize(
    "pattern",
    ["^daft", "punk$", "a.b", "a|b", "(re)?mix", "x*y+z?", "a{2}", "a{2,}", "a{2,5}",
     "[abc]", "[^abc]", "[a-z0-9]", r"\.", r"\(live\)", r"\d+", r"\w\s\D\W\S", r"[\d.]",
     r"\[", r"[\]]", "é+", "(a|b)?", "(a+)?", "((ab)c)+", "(ab){2,3}", ".*a.*", "a{2,5}b{1,9}"],
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
        (".*a.*b.*c", "at most 2 of '*', '+', '{m,}' (too slow)"),
        ("a+b{2,}c*", "at most 2 of '*', '+', '{m,}' (too slow)"),
    ],
)
def test_unportable_patterns_are_refused_with_a_reason(pattern, reason):
    assert validate_pattern(pattern) == reason


def test_shorthand_classes_become_explicit_ascii_sets_for_both_engines():
    assert postgres_pattern(r"\d[\w-]\S$") == "[0-9][0-9A-Za-z_-][^ \\t\\n\\r\\f\\v]$"
    assert python_pattern(r"\d$") == "(?is)[0-9]\\Z"


def test_python_pattern_matches_like_postgresql_would():
    assert re.search(python_pattern("^a.b$"), "A\nB")
    assert not re.search(python_pattern("b$"), "ab\n")
    assert not re.search(python_pattern(r"\d"), "٣")
