"""What earlier builds learned, kept between builds and keyed by content hashes.

The cache sits between the pipeline's steps, never inside them: a step is a pure function
of its inputs, and the pipeline looks its result up by a hash of those inputs before
running it. So a build from the cache is the same as a clean build, only faster.

It lives in the user's cache folder (like Hugo's and pip's), not in the record: a record
comes from a repository that may be hostile, and must not be able to plant results.
`CAREERFOLIO_CACHE_DIR` moves it; deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import hashlib
import io
import os
import pickle
import re
import stat
import time
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PosixPath, PurePath, PurePosixPath, PureWindowsPath, WindowsPath
from typing import Any

from generator import __version__


@functools.cache
def tool_digest() -> str:
    """careerfolio's version and the hash of its own code: output made by other code is not reused."""
    package = Path(__file__).resolve().parent
    return digest(__version__, *(path.name + _hash_file(path) for path in sorted(package.glob("*.py"))))


def cache_home() -> Path:
    """The folder that holds every record's cache."""
    chosen = os.environ.get("CAREERFOLIO_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "careerfolio"


def digest(*parts: bytes | str) -> str:
    """A hex digest of several values, each kept apart from the next."""
    pieces = []
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        pieces.append(len(data).to_bytes(8, "little"))
        pieces.append(data)
    # one update with the pieces joined hashes the same bytes as one update each, faster
    return hashlib.blake2b(b"".join(pieces), digest_size=20).hexdigest()


def digest_of_pieces(pieces: list[bytes]) -> str:
    """`digest(b"".join(pieces))`, without making the joined copy."""
    hashed = hashlib.blake2b(sum(map(len, pieces)).to_bytes(8, "little"), digest_size=20)
    for piece in pieces:
        hashed.update(piece)
    return hashed.hexdigest()


SHARDS = 32


def _shard(key: tuple) -> int:
    # by the key's first item (a path, a text, a fingerprint); a text's beginning will do
    return zlib.crc32(str(key[0])[:256].encode("utf-8", "surrogatepass")) % SHARDS


@dataclass
class Cache:
    """One record's cache: each part is read on first use and written back when it changed.

    `folder` None keeps everything in memory only: `serve` keeps one cache for its whole
    life, and `--no-cache` builds use a fresh one.
    """

    folder: Path | None = None
    home: Path | None = None  # the cache folder holding it, cleaned of what no build uses (see `save`)
    parts: dict = field(default_factory=dict)
    changed: set = field(default_factory=set)
    dirty_shards: dict = field(default_factory=dict)  # name of a sharded part -> shard numbers to write
    # objects the next build in this process may reuse as they are (never written: `serve`
    # keeps one cache for its whole life, and a build's objects are what it reuses)
    memory: dict = field(default_factory=dict)

    @classmethod
    def for_record(cls, root: Path) -> Cache:
        """The cache of the record at `root`, kept in the user's cache folder."""
        home = cache_home()
        return cls(home / "records" / digest(str(root.resolve()))[:20], home)

    def bytecode_folder(self) -> Path | None:
        """Where compiled templates are kept; Jinja checks each against its source."""
        return None if self.folder is None else cache_home() / "templates"

    def part(self, name: str) -> dict:
        """One part of the cache as a dict; an unreadable or foreign file counts as empty."""
        if name not in self.parts:
            self.parts[name] = self._read(name)
        return self.parts[name]

    def replace(self, name: str, value: dict) -> None:
        self.parts[name] = value
        self.changed.add(name)

    def sharded(self, name: str) -> dict:
        """A large part kept in SHARDS files by the first item of each key (a path, a text), so
        that a change to one entry rewrites one small file, not the whole part."""
        if name not in self.parts:
            merged: dict = {}
            for index in range(SHARDS):
                merged.update(self._read(f"{name}-{index}"))
            self.parts[name] = merged
        return self.parts[name]

    def replace_sharded(self, name: str, value: dict) -> None:
        old = self.sharded(name)
        if value is old:  # the part as it is
            return
        changed = {key for key in value.keys() ^ old.keys()}
        changed.update(key for key, item in value.items() if key in old and old[key] is not item)
        self.parts[name] = value
        if changed:
            self.dirty_shards.setdefault(name, set()).update(_shard(key) for key in changed)

    def added_to_sharded(self, name: str, keys: Iterable[tuple]) -> None:
        """Say that these keys were added to a sharded part in place: only their shards are written."""
        self.dirty_shards.setdefault(name, set()).update(_shard(key) for key in keys)

    def _read(self, name: str) -> dict:
        if self.folder is None:
            return {}
        try:
            with open(self.folder / f"{name}.pickle", "rb") as stream:
                stored = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return {}
        if not isinstance(stored, dict) or stored.get("tool") != tool_digest():
            return {}
        return stored.get("value", {})

    def save(self) -> None:
        """Write the parts that changed, each atomically; a cache that cannot be written is skipped.

        The folder is marked as used even when nothing changed, and once a day what no build
        used for a while is removed from the cache folder (see `remove_unused`)."""
        if self.folder is not None:
            for name in sorted(self.changed):
                self._write(name, self.parts[name])
            self._write_shards(self.dirty_shards)
            self.mark_used()
            if self.home is not None:
                with contextlib.suppress(OSError):
                    remove_unused(self.home)
        self.changed.clear()
        self.dirty_shards.clear()

    def save_sharded(self, name: str) -> None:
        """Write one sharded part now, if it changed, rather than with the others at the end."""
        shards = self.dirty_shards.pop(name, None)
        if self.folder is not None and shards:
            self._write_shards({name: shards})

    def written_elsewhere(self, name: str) -> None:
        """Say that a process forked from this one wrote a sharded part (`save_sharded`), with
        what this one had changed of it before: it is read again when next asked for, so that
        what this one writes at the end holds what the other wrote."""
        self.parts.pop(name, None)
        self.dirty_shards.pop(name, None)

    def _write_shards(self, dirty: dict) -> None:
        for name, shards in sorted(dirty.items()):
            grouped: dict[int, dict] = {index: {} for index in shards}
            for key, item in self.parts[name].items():
                index = _shard(key)
                if index in grouped:
                    grouped[index][key] = item
            for index, value in sorted(grouped.items()):
                self._write(f"{name}-{index}", value)

    def mark_used(self) -> None:
        """Say that a build uses this cache, so that the cleaning of the cache folder keeps it."""
        if self.folder is not None:
            with contextlib.suppress(OSError):
                os.utime(self.folder)

    def _write(self, name: str, value: dict) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{name}.{os.getpid()}.tmp"
            with open(temporary, "wb") as stream:
                dump({"tool": tool_digest(), "value": value}, stream)
            os.replace(temporary, self.folder / f"{name}.pickle")
        except OSError:
            pass  # a read-only or full disk: the next build is only slower


def dump(value: Any, stream: Any) -> None:
    """Pickle `value` into `stream`, each path as its text: pathlib pickles a path as its
    parts, which it joins and parses again when unpickled (~3.5 µs a path, against ~1.5 from
    its text), and the parsed files of 10,000 achievements hold 10,000 paths."""
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = PATHS_AS_TEXT
    pickler.dump(value)


def _path_as_text(path: PurePath) -> tuple:
    return type(path), (str(path),)


PATHS_AS_TEXT = {**copyreg.dispatch_table, PosixPath: _path_as_text, WindowsPath: _path_as_text,
                 PurePosixPath: _path_as_text, PureWindowsPath: _path_as_text}


# What no build used for this long is removed from the cache folder: the caches of records
# built elsewhere or gone, copies of git revisions, compiled templates, build locks.
UNUSED_SECONDS = 30 * 24 * 3600
REMOVED_EVERY_SECONDS = 24 * 3600  # looked for at most this often
CACHE_NAME = re.compile(r"[0-9a-f]{20}(?:\.lock)?|__jinja2_[0-9a-f]+\.cache")


def remove_unused(home: Path, now: float | None = None) -> None:
    """Remove what no build used for UNUSED_SECONDS from the cache folder `home`, at most once
    every REMOVED_EVERY_SECONDS: without it, every record ever built (and every review looked
    back at) would keep its cache for good, up to a hundred megabytes each. Only entries that
    careerfolio names so are removed, never a link, nor anything else found there; a record
    whose cache went is built from nothing again, as with `--no-cache`."""
    import shutil

    now = time.time() if now is None else now
    stamp = home / "last-cleaned"
    try:
        if now - stamp.stat().st_mtime < REMOVED_EVERY_SECONDS:
            return
    except FileNotFoundError:
        pass
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    for part in ("records", "revisions", "templates", "locks"):
        try:
            entries = list(os.scandir(home / part))
        except OSError:
            continue
        for entry in entries:
            try:
                if not CACHE_NAME.fullmatch(entry.name) or entry.is_symlink() or \
                        now - entry.stat(follow_symlinks=False).st_mtime < UNUSED_SECONDS:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue  # another build's, removed or in use meanwhile


@contextlib.contextmanager
def build_lock(root: Path, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the record's build lock: one build of a record at a time, the next one waits.

    Two builds writing one output folder at once would interleave their files. The lock is a
    file in the cache folder, so the record and its output are never touched for it.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; builds are not serialised there
        yield
        return
    folder = cache_home() / "locks"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stream = open(folder / f"{digest(str(root.resolve()))[:20]}.lock", "a+")  # noqa: SIM115
    except OSError:
        yield  # no cache folder to lock in: build unserialised rather than not at all
        return
    with stream:
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.seek(0)
            holder = stream.read().strip() or "another process"
            if waiting is not None:
                waiting(f"waiting for another build of this record to finish ({holder})")
            fcntl.flock(stream, fcntl.LOCK_EX)
        stream.seek(0)
        stream.truncate()
        stream.write(f"process {os.getpid()}")
        stream.flush()
        try:
            yield
        finally:
            fcntl.flock(stream, fcntl.LOCK_UN)


LINK_HASH = "link to "


def is_link_hash(content: str) -> bool:
    """Whether a hash from `hash_folders` stands for a link, whose target's bytes it does not cover."""
    return content.startswith(LINK_HASH)


def hash_folders(folders: list[Path], files: list[Path], known: dict | None = None) -> dict[str, str]:
    """The content hash of every file in `folders` (recursively, no hidden files) and of `files`.

    This is what a build reads; when none of it changed, neither did the output. `known`
    maps a path to ((size, modification time), hash) from earlier calls, as git's index
    does: a file whose size and time (to the nanosecond) are unchanged is not read again.
    """
    known = known if known is not None else {}
    found: dict[str, str] = {}

    def hash_of(path: str, entry: os.DirEntry | None = None) -> str:
        # a folder's listing already says which entries are links, so it is asked only once
        if entry.is_symlink() if entry is not None else os.path.islink(path):
            try:  # what a link says, never what it leads to: it may lead out of the record
                return LINK_HASH + os.readlink(path)
            except OSError:
                return "missing"
        try:
            status = entry.stat() if entry is not None else os.stat(path)
        except OSError:
            return "missing"
        stamp = (status.st_size, status.st_mtime_ns)
        seen = known.get(path)
        if seen is not None and seen[0] == stamp:
            return seen[1]
        content = _hash_file(Path(path))
        known[path] = (stamp, content)
        return content

    def walk(folder: str) -> None:
        # as os.walk does it, top down and sorted, links to folders listed but not followed
        try:
            with os.scandir(folder) as listing:
                entries = sorted((entry for entry in listing if not entry.name.startswith(".")),
                                 key=lambda entry: entry.name)
        except OSError:
            return
        inner = []
        for entry in entries:
            try:
                is_folder = entry.is_dir()
            except OSError:  # a link in a loop: a file to hash, as os.walk would count it
                is_folder = False
            if is_folder:
                if not entry.is_symlink():
                    inner.append(entry.path)
            else:
                found[entry.path] = hash_of(entry.path, entry)
        for path in inner:
            walk(path)

    for path in files:
        found[str(path)] = hash_of(str(path))
    for folder in folders:
        walk(str(folder))
    return found


def rehash_changed(hashes: dict[str, str], changed: Collection[str], folders: list[Path], files: list[Path],
                   known: dict) -> dict[str, str] | None:
    """`hashes` (from `hash_folders` over the same places) brought up to date for the files
    at `changed`, the paths a file watcher saw change; None when only a new walk can tell.

    Serving a large record, walking every folder after each save cost more than the rest of
    the rebuild. A path is taken only as `hash_folders` would take it: a file it already
    listed, changed in place or replaced by another file (an editor's atomic save), or a
    path it would not list at all (a hidden file, a temporary file already gone). A new,
    removed or linked file, or anything about a folder, needs the walk.
    """
    updated = dict(hashes)
    # a watcher names files by their real path; the hashes, by the places' own
    placed = [(os.path.realpath(folder) + os.sep, str(folder) + os.sep) for folder in folders]
    named = {str(file) for file in files}
    for path in changed:
        if path not in named:
            place = next(((real, given) for real, given in placed if path.startswith((real, given))), None)
            if place is None:
                if any(folder.startswith(path + os.sep) for pair in placed for folder in pair):
                    return None  # a folder above the places
                continue  # outside every place: never read
            real, given = place
            inner = path[len(real):] if path.startswith(real) else path[len(given):]
            if any(part.startswith(".") for part in inner.split(os.sep)):
                continue  # hidden: never read
            path = given + inner
        try:
            status = os.lstat(path)
        except OSError:
            if path in hashes:
                return None  # removed
            continue  # came and went, as an editor's temporary file does
        if path not in hashes or not stat.S_ISREG(status.st_mode) or is_link_hash(hashes[path]):
            return None  # new, a folder or a link now, or a link before
        stamp = (status.st_size, status.st_mtime_ns)
        seen = known.get(path)
        if seen is None or seen[0] != stamp:
            seen = known[path] = (stamp, _hash_file(Path(path)))
        updated[path] = seen[1]
    return updated


def _hash_file(path: Path) -> str:
    try:
        return digest(path.read_bytes())
    except OSError:
        return "missing"


def _model_as_fields(model: Any) -> tuple:
    # its class and field values, in the order the class declares them (the pickled state
    # would hold the set of fields given, whose order differs from process to process);
    # nested models are reduced the same way
    return (tuple, ((type(model).__qualname__, tuple(model.__dict__.items())),))


class Fingerprints:
    """Digests of the values pages are rendered from, the same in every process for equal values.

    Two values with the same fingerprint render the same, so a page whose inputs have the
    fingerprint of the last build need not be rendered again. A value is pickled (with the
    record's pydantic `models` reduced to their class and field values, which unlike their
    pickled state do not depend on the process); a value that holds `shared` values, such as a competency's
    achievements, is hashed from their fingerprints instead, so each shared value is pickled
    once per build however many pages show it. One instance serves one build: it keeps every
    value it has seen alive, so that no id() is reused.
    """

    def __init__(self, shared: frozenset = frozenset(), models: tuple = ()):
        self.shared = shared
        self.shared_names = tuple(kind.__name__ for kind in shared)
        self.dispatch = {model: _model_as_fields for model in models}
        self.memo: dict[int, tuple[bytes, Any]] = {}
        self.holders: dict[type, tuple[str, ...]] = {}

    def of(self, value: Any) -> bytes:
        known = self.memo.get(id(value))
        if known is not None:
            return known[0]
        kind = type(value)
        if kind is tuple and value and type(value[0]) in self.shared:
            result = _blake(b"t" + b"".join(self.of(item) for item in value))
        elif (holders := self._holders(kind)):
            rest = tuple(getattr(value, name) for name in kind.__dataclass_fields__ if name not in holders)
            result = _blake(self._pickle((kind.__qualname__, rest)) +
                            b"".join(self.of(getattr(value, name)) for name in holders))
        else:
            result = _blake(self._pickle(value))
        self.memo[id(value)] = (result, value)
        return result

    def take(self, value: Any, made_from: bytes) -> bytes:
        """Fingerprint `value` by what it was made from instead of by what it holds: for values
        that are a function of `made_from` (their maker's word), it is cheaper than pickling
        them, and stands for them as well (equal inputs, equal values; other inputs at worst
        render a page again)."""
        result = _blake(b"made from " + made_from)
        self.memo[id(value)] = (result, value)
        return result

    def _holders(self, kind: type) -> tuple[str, ...]:
        """The fields of a dataclass that may hold shared values, judged from their annotations."""
        found = self.holders.get(kind)
        if found is None:
            fields = getattr(kind, "__dataclass_fields__", {})
            found = self.holders[kind] = tuple(
                name for name, field_ in fields.items()
                if any(shared in str(field_.type) for shared in self.shared_names))
        return found

    def _pickle(self, value: Any) -> bytes:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=5)
        pickler.dispatch_table = self.dispatch
        pickler.dump(value)
        return buffer.getvalue()


def _blake(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()
