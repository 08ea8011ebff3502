"""Why something was refused, for a person to read: the Indonesian wording and its values apart.

The admin shows a problem in the officer's language (admin.i18n.say looks the wording up in its
dictionary and fills the values in); `str()` gives the Indonesian sentence, for logs and the CLI.
Stdlib only, so the core (bot.replies) and the admin's Flask-free helpers can both return one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """An Indonesian text with named %-placeholders (`"baris %(row)d: %(problem)s"`) and their
    values; a value may itself be a Problem (a row's reason inside the import's)."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.params:
            return self.text
        return self.text % {
            k: str(v) if isinstance(v, Problem) else v for k, v in self.params.items()
        }


class ProblemError(ValueError):
    """A ValueError that carries its Problem, for code that reports by raising."""

    def __init__(self, text: str, **params: Any) -> None:
        self.problem = Problem(text, params)
        super().__init__(str(self.problem))
