"""The one error hierarchy of decider; every error builds its message from its fields.

    DeciderError                      base: anything decider reports to a user
    ├── WorkloadError                 a workload failed validation (one Problem per field)
    ├── RulesError                    rule files failed to load (every Problem, with file and rule id)
    ├── PricingError                  a price book is missing, malformed or names an unknown region
    ├── SourceError                   a path, template or usage file cannot be read as workloads (review)
    └── CommandError                  a Slack slash command's text cannot be read (one Problem per token)

A Problem is one thing wrong: where it is, what is wrong, and the nearest valid choice when there is one.
The CLI prints ``str(error)`` and exits 2; the API turns ``error.problems`` into problem+json entries.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: its location, a message, and an optional suggestion."""

    location: str
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.suggestion:
            text += f" (did you mean {self.suggestion!r}?)"
        return text


class DeciderError(Exception):
    """Base of every error decider reports; carries a headline and a list of problems."""

    headline = "decider error"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], headline: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if headline is not None:
            self.headline = headline
        super().__init__(self.message)

    @property
    def message(self) -> str:
        lines = [f"{self.headline} ({len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}):"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message


class WorkloadError(DeciderError):
    """The workload description is not valid."""

    headline = "invalid workload"


class RulesError(DeciderError):
    """One or more rule files could not be loaded; every problem found is listed."""

    headline = "invalid rules"


class PricingError(DeciderError):
    """A price book could not be loaded or does not cover what was asked."""

    headline = "invalid pricing"


class SourceError(DeciderError):
    """A path given for review is missing, or a template, manifest or usage file cannot be read as workloads."""

    headline = "cannot review"


class CommandError(DeciderError):
    """A slash command's text could not be read: unknown key, bad value, duplicate key or unclosed quote."""

    headline = "could not read the command"
