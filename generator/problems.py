"""Problems in a record, and the exceptions that carry them to the command line.

A problem names the place in the user's file it is about, so an editor can jump there,
and says how to fix it. Every stage collects all the problems it finds before it stops,
so one run reports everything that is wrong.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from pathlib import Path


class ExitStatus(enum.IntEnum):
    OK = 0
    RECORD_ERROR = 1
    USAGE_ERROR = 2
    INTERNAL_ERROR = 70  # a bug in careerfolio (EX_SOFTWARE), never the user's mistake
    INTERRUPTED = 130  # as a shell reports Ctrl-C


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int
    column: int
    message: str
    hint: str = ""
    severity: str = "error"
    rule: str = ""

    def describe(self, relative_to: Path | None = None) -> str:
        """The one line a user reads: `path:line:col: message — hint`."""
        text = f"{display_path(self.path, relative_to)}:{self.line}:{self.column}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        if self.rule:
            text += f" [{self.rule}]"
        return text


def display_path(path: Path, relative_to: Path | None = None) -> str:
    """A path as short as it can be while an editor can still open it."""
    base = relative_to or Path.cwd()
    try:
        return os.path.relpath(path, base) if Path(path).is_absolute() else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


class UserError(Exception):
    """Something about the user's input or command line; shown without a traceback."""

    exit_status = ExitStatus.RECORD_ERROR


class RecordProblems(UserError):
    """The record has problems; all of them are carried, sorted by file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in the record")


class OutputRefused(UserError):
    """The output folder is somewhere a build must not write or delete."""


class UsageError(UserError):
    exit_status = ExitStatus.USAGE_ERROR
