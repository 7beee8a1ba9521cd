"""The record's place in git history: which commit a build was made from.

Read with the git command, never with a library, and nothing outside the record's folder.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Stamp:
    """Which version of the record a dossier was made from, so a handed-over packet can be found again."""

    commit: str | None
    dirty: bool

    def describe(self) -> str:
        if self.commit is None:
            return ""
        return f"commit {self.commit}" + (" + uncommitted changes" if self.dirty else "")


def read_stamp(record_root: Path) -> Stamp:
    """The record's git commit and whether its files have changes; nothing outside git."""
    try:
        commit = subprocess.run(["git", "-C", str(record_root), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=False)
        if commit.returncode != 0:
            return Stamp(None, False)
        status = subprocess.run(["git", "-C", str(record_root), "status", "--porcelain", "--", "."],
                                capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return Stamp(None, False)
    changes = [line for line in status.stdout.splitlines() if not _is_output_line(line)]
    return Stamp(commit.stdout.strip(), bool(changes))


def _is_output_line(line: str) -> bool:
    return line[3:].startswith(("output/", '"output/'))
