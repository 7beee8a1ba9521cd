"""`careerfolio init`: a small example of every collection, which builds cleanly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from generator.problems import UserError
from generator.schema import SCHEMA_FOLDER, editor_settings, schema_documents

EDITOR_SETTINGS = ".vscode/settings.json"

STARTER = Path(__file__).resolve().parent / "starter_record"
# Packaging tools treat a file named .gitignore as their own ignore list, so it ships renamed.
RENAMED = {"gitignore.txt": ".gitignore"}


def starter_files() -> dict[str, Path | str]:
    """Each file of the new record, relative to its folder: a file to copy, or the text to write.

    Besides the example record, init wires editors up: the JSON Schemas, and the VS Code
    mapping from each file of the record to its schema (other editors read the
    `yaml-language-server` line at the top of each YAML file).
    """
    files: dict[str, Path | str] = {}
    for path in sorted(STARTER.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(STARTER).as_posix()
            files[RENAMED.get(relative, relative)] = path
    for name, text in schema_documents().items():
        files[f"{SCHEMA_FOLDER}/{name}"] = text
    files[EDITOR_SETTINGS] = json.dumps(editor_settings(), indent=2) + "\n"
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
        if isinstance(source, Path):
            shutil.copyfile(source, destination)
        else:
            destination.write_text(source, encoding="utf-8", newline="\n")
        written.append(destination)
    return written
