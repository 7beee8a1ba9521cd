"""The only stage that touches the output folder.

Everything that can fail because of the user's input has failed before this stage runs,
so a broken record never disturbs the last good output. A new output is written into a
staging folder and renamed into place whole; an existing one is updated file by file, each
file replaced atomically and only when its bytes changed, so an edit to one entry rewrites
a handful of files, and a reader (or `serve`) never sees a missing or half-written page. Folders careerfolio creates carry a marker file; a folder
without the marker is the user's, and careerfolio never deletes or overwrites it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import digest
from generator.problems import OutputRefused

if TYPE_CHECKING:
    from generator.render import Spooled

MARKER = ".careerfolio-output"
TEMPORARY = ".careerfolio-writing"  # inside an output folder, while a build writes it
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
    if output.is_relative_to(content_dir.resolve()):
        raise OutputRefused(f"the output folder {output_dir} is inside the content folder, where every "
                            "build would read its own output — choose a folder beside it, e.g. --out output")
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


@dataclass(frozen=True)
class Written:
    """A file as the last build left it: enough to know, without reading it, that it is intact."""

    size: int
    mtime_ns: int
    content: str  # hash of its bytes
    key: str | None = None  # what it was rendered from, so an unchanged page is not rendered again


@dataclass(frozen=True)
class WriteReport:
    folder: Path
    files: int  # in the output after writing
    written: int  # new or changed files
    removed: int  # files of the last build that are gone


Manifest = dict  # relative path -> Written


def still_there(folder: Path, relative: str, written: Written) -> bool:
    """Whether a file is as the last build left it (size and modification time unchanged)."""
    try:
        status = os.stat(os.path.join(folder, relative))  # not a Path: asked of every page of a site
    except OSError:
        return False
    return status.st_size == written.size and status.st_mtime_ns == written.mtime_ns


def reusable(folder: Path, manifest: Manifest, keys: dict[str, str]) -> dict[str, Written]:
    """The pages whose render key is the one that made the file on disk, which is intact."""
    kept = {}
    for relative, key in keys.items():
        written = manifest.get(relative)
        if written is not None and written.key == key and still_there(folder, relative, written):
            kept[relative] = written
    return kept


def staging_folder(target: Path) -> Path:
    """Where a build spools and stages the files of `target`: beside it, hidden, one per process."""
    return target.with_name(f".{target.name}.staging-{os.getpid()}")


def write_output(folder: Path, files: dict[str, bytes | Spooled], copies: dict[str, Path],
                 kept: dict[str, Written] | None = None, keys: dict[str, str] | None = None,
                 manifest: Manifest | None = None,
                 source_hashes: dict[str, str] | None = None) -> tuple[WriteReport, Manifest]:
    """Make `folder` hold exactly `files`, `copies` and the `kept` files of the last build.

    A new folder is written beside its place and renamed into it, whole. An existing one
    (careerfolio's own) is updated in place: only new or changed files are written, each
    replaced atomically, and files no longer produced are removed last, so a reader at any
    moment finds every page complete. Files the render stage spooled wait in
    `staging_folder(folder)` and are moved, not copied. `source_hashes` are the build's content
    hashes of the files copied, by path: a copy whose source and destination are as the last
    build left them is not read. Return what was done and the new manifest.
    """
    # imported here, not above: a build with nothing to write never loads render
    from generator.render import Spooled

    kept = kept or {}
    keys = keys or {}
    spooled = {relative for relative, data in files.items() if isinstance(data, Spooled)}
    staging = staging_folder(folder)
    try:
        check_target(folder)
        # left by a build that was killed (the build lock says no other build is running)
        for pattern in (f".{folder.name}.staging-*", f".{folder.name}.previous-*"):
            for stale in folder.parent.glob(pattern):
                if stale != staging:
                    shutil.rmtree(stale, ignore_errors=True)
        if not folder.exists():
            return _write_fresh(folder, files, copies, keys, spooled)
        return _update(folder, files, copies, kept, keys, manifest or {}, spooled, source_hashes or {})
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # what is left there was unchanged, or is stale


def _update(folder: Path, files: dict[str, bytes | Spooled], copies: dict[str, Path], kept: dict[str, Written],
            keys: dict[str, str], manifest: Manifest, spooled: set[str],
            source_hashes: dict[str, str]) -> tuple[WriteReport, Manifest]:
    result: Manifest = dict(kept)
    made: set[Path] = set()
    written = 0
    with writing_aside(folder):
        for relative, data in sorted(files.items()):
            if relative in spooled:
                entry, changed = _move_into_place(folder, relative, data, manifest.get(relative), made)
            else:
                entry, changed = _place(folder, relative, data, manifest.get(relative), made)
            result[relative] = Written(entry.size, entry.mtime_ns, entry.content, keys.get(relative))
            written += changed
        for relative, source in sorted(copies.items()):
            previous = manifest.get(relative)
            if previous is not None and previous.content == source_hashes.get(str(source)) \
                    and still_there(folder, relative, previous):
                result[relative] = previous  # the same bytes as last time, where they were left
                continue
            entry, changed = _place(folder, relative, source.read_bytes(), previous, made)
            result[relative] = entry
            written += changed
    keep = set(result) | {MARKER}
    if manifest:  # what the last build wrote and this one did not
        removed = _remove_listed(folder, [relative for relative in manifest if relative not in keep])
    else:
        removed = _remove_all_but(folder, keep)
    return WriteReport(folder, len(result), written, removed), result


def write_first(folder: Path, files: dict[str, bytes], keys: dict[str, str]) -> tuple[dict[str, Written], dict]:
    """Write a few pages of an existing output ahead of the rest of its build (serve: the pages
    open in a browser), each replaced atomically. Return their manifest entries, and what each
    file held before (None: there was none), for `put_back` should the build then fail."""
    if not folder.is_dir() or not is_ours(folder):
        return {}, {}
    written: dict[str, Written] = {}
    before: dict[str, bytes | None] = {}
    made: set[Path] = set()
    with writing_aside(folder):
        try:
            for relative, data in sorted(files.items()):
                try:
                    before[relative] = (folder / relative).read_bytes()
                except FileNotFoundError:
                    before[relative] = None
                entry, _ = _place(folder, relative, data, None, made)
                written[relative] = Written(entry.size, entry.mtime_ns, entry.content, keys.get(relative))
        except BaseException:
            _put_back(folder, before)
            raise
    return written, before


def put_back(folder: Path, before: dict) -> None:
    """Give the files `write_first` wrote the bytes they held before it (see there)."""
    if before:
        with writing_aside(folder):
            _put_back(folder, before)


def _put_back(folder: Path, before: dict) -> None:
    for relative, data in before.items():
        if data is None:
            (folder / relative).unlink(missing_ok=True)
        else:
            _place(folder, relative, data, None, set())


@contextmanager
def writing_aside(folder: Path) -> Iterator[None]:
    """The folder inside `folder` where files are written before they are renamed into place
    (see `_place`), there while the block runs; one a killed build left is cleared first."""
    shutil.rmtree(folder / TEMPORARY, ignore_errors=True)
    (folder / TEMPORARY).mkdir()
    try:
        yield
    finally:
        shutil.rmtree(folder / TEMPORARY, ignore_errors=True)


def _remove_listed(folder: Path, stale: list[str]) -> int:
    """Remove the files named, then the folders they leave empty."""
    emptied: set[Path] = set()
    for relative in stale:
        (folder / relative).unlink(missing_ok=True)
        emptied.update(parent for parent in (folder / relative).parents if folder in parent.parents)
    for parent in sorted(emptied, key=lambda path: len(path.parts), reverse=True):
        try:
            parent.rmdir()
        except OSError:
            pass  # not empty
    return len(stale)


def _place(folder: Path, relative: str, data: bytes, previous: Written | None,
           made: set[Path]) -> tuple[Written, bool]:
    """Write one file unless it already holds `data`; return its manifest entry and whether it was written."""
    destination = folder / relative
    content = digest(data)
    if previous is not None and previous.content == content and still_there(folder, relative, previous):
        return previous, False
    if previous is None and destination.is_file() and destination.stat().st_size == len(data) \
            and destination.read_bytes() == data:  # the manifest was lost: compare the bytes
        status = destination.stat()
        return Written(status.st_size, status.st_mtime_ns, content), False
    _make_parent(destination, made)
    # written aside, then renamed into place: a reader never sees half a file, and what a
    # killed build leaves behind is in one folder the next build clears
    temporary = folder / TEMPORARY / f"{len(made)}-{destination.name}"
    try:
        temporary.write_bytes(data)
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    status = destination.stat()
    return Written(status.st_size, status.st_mtime_ns, content), True


def _move_into_place(folder: Path, relative: str, spooled: Spooled, previous: Written | None,
                     made: set[Path]) -> tuple[Written, bool]:
    """Move one spooled file into place unless the file there already holds its bytes."""
    destination = folder / relative
    if previous is not None and previous.content == spooled.content and still_there(folder, relative, previous):
        return previous, False
    _make_parent(destination, made)
    os.replace(spooled.path, destination)  # a rename keeps the file's size and time
    return Written(spooled.size, spooled.mtime_ns, spooled.content), True


def _make_parent(destination: Path, made: set[Path]) -> None:
    """The folder a file goes in, made once per build."""
    if destination.parent not in made:
        destination.parent.mkdir(parents=True, exist_ok=True)
        made.add(destination.parent)


def _remove_all_but(folder: Path, keep: set[str]) -> int:
    """Remove every file under `folder` not in `keep`, then the folders left empty."""
    removed = 0
    for top, folder_names, file_names in os.walk(folder, topdown=False):
        relative_top = os.path.relpath(top, folder)
        for name in file_names:
            relative = name if relative_top == "." else f"{relative_top}/{name}".replace(os.sep, "/")
            if relative not in keep:
                os.unlink(os.path.join(top, name))
                removed += 1
        if top != str(folder) and not os.listdir(top):
            os.rmdir(top)
    return removed


def _write_fresh(target: Path, files: dict[str, bytes | Spooled], copies: dict[str, Path],
                 keys: dict[str, str], spooled: set[str]) -> tuple[WriteReport, Manifest]:
    """Write a whole output into its staging folder (where spooled files already are), then
    rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_folder(target)
    try:
        staging.mkdir(exist_ok=True)
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        contents = {relative: source.read_bytes() for relative, source in sorted(copies.items())}
        contents.update({relative: data for relative, data in files.items() if relative not in spooled})
        written = write_all(staging, contents)
        manifest = {relative: Written(status.st_size, status.st_mtime_ns, digest(contents[relative]),
                                      keys.get(relative))
                    for relative, status in written.items()}
        for relative in spooled:
            data = files[relative]
            if data.path != os.path.join(staging, relative):  # as `spool_file` names it
                raise ValueError(f"{data.path} was spooled outside {staging}")
            manifest[relative] = Written(data.size, data.mtime_ns, data.content, keys.get(relative))
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteReport(target, len(manifest), len(manifest), 0), manifest


def write_all(folder: Path, contents: dict[str, bytes]) -> dict[str, os.stat_result]:
    """Write every file under `folder`, each folder made once; return their status.

    One by one: the files written here are a small site's pages and the copied assets (a
    large site's pages are spooled by the processes that render them), and eight threads
    wrote them two to four times slower, on tmpfs and on disk alike: each file's hand-over
    to a thread cost more than writing it."""
    made: set[Path] = set()
    written = {}
    for relative in sorted(contents):
        destination = folder / relative
        _make_parent(destination, made)
        destination.write_bytes(contents[relative])
        written[relative] = destination.stat()
    return written
