"""Limits tightened after rules were saved bind what users write now, not the rules they saved.

A saved definition is parsed again whenever it is used (listed, previewed, synced). Had the
regex backtracking check or the size caps refused it there, a rule saved under the looser
limits of its day would turn every page that shows it into a 500. So they apply to new and
changed definitions only; the rest of validation (fields, operators, types) holds for all.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_SAVED = ContextVar("rules_dsl_parsing_saved_rule", default=False)


def checking_new_limits() -> bool:
    return not _SAVED.get()


@contextmanager
def parsing_saved_rule() -> Iterator[None]:
    token = _SAVED.set(True)
    try:
        yield
    finally:
        _SAVED.reset(token)
