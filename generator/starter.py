"""`careerfolio init`: a small example of every collection, which builds cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.problems import UserError

STARTER = Path(__file__).resolve().parent / "starter_record"
# Packaging tools treat a file named .gitignore as their own ignore list, so it ships renamed.
RENAMED = {"gitignore.txt": ".gitignore"}


def starter_files() -> dict[str, Path]:
    """Where each file of the example record goes, relative to the new record's folder."""
    files = {}
    for path in sorted(STARTER.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(STARTER).as_posix()
            files[RENAMED.get(relative, relative)] = path
    return files


def write_starter_record(directory: Path) -> list[Path]:
    """Write the example record; refuse, touching nothing, if any of its files exists."""
    files = starter_files()
    existing = [relative for relative in files if (directory / relative).exists()]
    if existing:
        shown = ", ".join(existing[:5]) + (" …" if len(existing) > 5 else "")
        raise UserError(f"{directory} already has {shown} — init never overwrites; "
                        "choose an empty folder, e.g. `careerfolio init my-career`")
    written = []
    for relative, source in files.items():
        destination = directory / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    return written
