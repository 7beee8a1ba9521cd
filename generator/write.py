"""The only stage that touches the output folder.

A build is written into a staging folder beside its target and swapped into place only
when complete, so a failed build leaves the previous output exactly as it was and a
server never shows half a site. Folders careerfolio creates carry a marker file; a folder
without the marker is the user's, and careerfolio never deletes or overwrites it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.problems import OutputRefused

MARKER = ".careerfolio-output"
MARKER_TEXT = "This folder is written by careerfolio; its contents are replaced on every build.\n"


def check_output_location(output_dir: Path, record_root: Path, content_dir: Path) -> None:
    """Refuse an output folder whose replacement would destroy the user's own files."""
    output = output_dir.resolve()
    home = Path.home().resolve()
    dangerous = [
        (record_root.resolve(), "the record's folder"),
        (content_dir.resolve(), "the content folder"),
        (home, "your home folder"),
    ]
    for place, what in dangerous:
        if output == place:
            raise OutputRefused(f"the output folder {output_dir} is {what} — choose a folder of its "
                                f"own, e.g. --out output")
        if place == content_dir.resolve() and place.is_relative_to(output):
            raise OutputRefused(f"the output folder {output_dir} contains {what} — choose a folder "
                                f"beside it, e.g. --out output")
        if place == home and home.is_relative_to(output):
            raise OutputRefused(f"the output folder {output_dir} contains {what} — choose a folder "
                                "inside the record, e.g. --out output")
    if record_root.resolve().is_relative_to(output):
        raise OutputRefused(f"the output folder {output_dir} contains the record itself — choose a "
                            "folder inside the record, e.g. --out output")
    if output.exists() and not output.is_dir():
        raise OutputRefused(f"the output path {output_dir} is a file — remove it or choose another --out")


def is_ours(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def prepare_output_root(output_dir: Path) -> None:
    """Create the output folder (and mark it) when missing; keep a user's folder as it is."""
    if not output_dir.exists():
        output_dir.mkdir(parents=True)
        (output_dir / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def check_target(target: Path) -> None:
    """A folder a build will replace must be one that careerfolio made."""
    if target.exists() and not (target.is_dir() and is_ours(target)):
        kind = "folder" if target.is_dir() else "file"
        raise OutputRefused(
            f"{target} is a {kind} careerfolio did not create, and a build would replace it — "
            "move it away or build with another --out")


def write_tree(target: Path, files: dict[str, bytes], copies: dict[str, Path]) -> int:
    """Write one complete output (site or dossier) into `target` atomically; count the files."""
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.staging-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        staging.mkdir()
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        made: set[Path] = {staging}
        written: set[str] = set()
        for relative, source in sorted(copies.items()):
            destination = _inside(staging, relative, made)
            shutil.copyfile(source, destination)
            written.add(relative)
        for relative, data in sorted(files.items()):
            destination = _inside(staging, relative, made)
            destination.write_bytes(data)
            written.add(relative)
        swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(written)


def _inside(staging: Path, relative: str, made: set[Path]) -> Path:
    destination = staging / relative
    parent = destination.parent
    if parent not in made:
        parent.mkdir(parents=True, exist_ok=True)
        made.add(parent)
    return destination


def swap_into_place(staging: Path, target: Path) -> None:
    """Replace `target` by `staging` with two renames, so readers see old or new, never half."""
    if not target.exists():
        staging.rename(target)
        return
    retired = target.with_name(f".{target.name}.previous-{os.getpid()}")
    if retired.exists():
        shutil.rmtree(retired)
    target.rename(retired)
    try:
        staging.rename(target)
    except BaseException:
        retired.rename(target)
        raise
    shutil.rmtree(retired, ignore_errors=True)
