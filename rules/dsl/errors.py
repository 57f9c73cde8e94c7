"""Validation errors shared by every front end of the DSL (JSON, text, .nsp)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleError:
    """One problem, located by a path into the JSON form (`all[2].any[1].gt.audio.bpm`).

    Text-form errors use `text[N]`, N being the 0-based character offset, so the API can
    report both kinds in the same `{"errors": [{"path", "message"}]}` shape.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class RuleValidationError(ValueError):
    """Raised with every error found, so a user can fix them all in one go."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))
