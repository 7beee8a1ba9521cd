"""Read the record's files into plain values that remember where each value was written.

Nothing here knows the schema: load turns YAML and Markdown front matter into dicts and
lists, and keeps the line and column of every value and key so that later stages can
point at the exact spot when something is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.problems import Problem
from generator.vocabulary import COLLECTIONS, SETTINGS_FILE, YAML_SUFFIXES, derived_id

try:  # the C loader is several times faster on large records
    from yaml import CSafeLoader as BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as BaseLoader  # type: ignore[assignment]


class RecordLoader(BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, keeping dates as written so the schema can judge them.

    PyYAML turns `2025-03-14` into a date itself and fails with a bare ValueError on
    `2025-13-01`; kept as text, a bad date gets a message at its own line.
    """


RecordLoader.add_constructor("tag:yaml.org,2002:timestamp",
                             lambda loader, node: loader.construct_scalar(node))

Location = tuple  # a path into a value: ("impact", 0, "metric")



@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True)
class SourceFile:
    """One file's values, with the positions of every value and every mapping key."""

    path: Path
    data: Any
    values: dict = field(repr=False)  # Location -> Position of the value
    keys: dict = field(repr=False)  # Location -> Position of the key that names it
    body: str = ""
    body_line: int = 1

    def position(self, location: Location, key: bool = False) -> Position:
        """The closest known position to `location`: the place itself, or its parent."""
        table = self.keys if key else self.values
        while True:
            if location in table:
                return table[location]
            if key and location in self.values:
                return self.values[location]
            if not location:
                return Position(1, 1)
            location = location[:-1]


@dataclass(frozen=True)
class RawItem:
    """One entry of a collection as written: its values and where they sit in its file."""

    collection: str
    source: SourceFile
    prefix: Location  # where the item sits inside its file: () or (index,)
    data: Any
    stem: str  # the file name without extension, the fallback id

    def position(self, location: Location = (), key: bool = False) -> Position:
        return self.source.position(self.prefix + tuple(location), key=key)

    def problem(self, location: Location, message: str, hint: str = "", key: bool = False) -> Problem:
        spot = self.position(location, key=key)
        return Problem(self.source.path, spot.line, spot.column, message, hint)

    def expected_id(self) -> str | None:
        """The id this entry will get, read from its raw values (it may not validate)."""
        data = self.data if isinstance(self.data, dict) else {}
        given = data.get("id")
        if isinstance(given, str) and given:
            return given
        title = data.get("title") or data.get("name") or data.get("author")
        if not self.stem and not title:
            return None
        return derived_id(self.stem, str(title) if title else None)


@dataclass(frozen=True)
class RawRecord:
    """Everything read from disk, before any schema is applied."""

    root: Path
    content_dir: Path
    settings: SourceFile | None
    profile: SourceFile | None
    competencies: SourceFile | None
    items: dict  # collection name -> tuple[RawItem, ...]
    problems: tuple


def load_settings(root: Path) -> tuple[SourceFile | None, list[Problem]]:
    """Read careerfolio.yaml first: it says where the content folder is."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return None, []
    return read_yaml_file(path)


@dataclass(frozen=True)
class RecordFile:
    """One file of the record, and what it holds there."""

    path: Path
    role: str  # "profile", "competencies", "list" (a YAML list of entries) or "item" (one entry)
    collection: str = ""


@dataclass(frozen=True)
class LoadedFile:
    """One file read: its values with their positions, the entries in it, and its problems.

    A pure function of the file's bytes, so a build may reuse it while the bytes are unchanged.
    """

    file: RecordFile
    source: SourceFile | None
    items: tuple  # RawItem, one per entry
    problems: tuple


def discover_files(content_dir: Path) -> list[RecordFile]:
    """Every file of the record that careerfolio reads, in the order entries are numbered."""
    files = []
    for role in ("profile", "competencies"):
        path = next((content_dir / (role + suffix) for suffix in YAML_SUFFIXES
                     if (content_dir / (role + suffix)).is_file()), None)
        if path is not None:
            files.append(RecordFile(path, role))
    for collection in COLLECTIONS:
        files.extend(discover_collection(content_dir, collection))
    return files


def discover_collection(content_dir: Path, collection: str) -> list[RecordFile]:
    """A collection may be one YAML list file, a folder of one file per item, or both."""
    files = [RecordFile(content_dir / (collection + suffix), "list", collection) for suffix in YAML_SUFFIXES
             if (content_dir / (collection + suffix)).is_file()]
    folder = content_dir / collection
    if folder.is_dir():
        suffixes = YAML_SUFFIXES + ((".md",) if COLLECTIONS[collection].markdown else ())
        for path in sorted(folder.iterdir()):
            if path.name.startswith((".", "_")) or path.suffix not in suffixes or not path.is_file():
                continue
            files.append(RecordFile(path, "item", collection))
    return files


def load_file(file: RecordFile, data: bytes | None) -> LoadedFile:
    """Parse one file's bytes (None: it could not be read) into positioned values and entries."""
    path = file.path
    text, problems = decode(path, data)
    if text is None:
        return LoadedFile(file, None, (), tuple(problems))
    if path.suffix == ".md":
        source, found = parse_markdown(path, text)
    else:
        source, found = parse_yaml(path, text, line_offset=0)
    problems.extend(found)
    items: list[RawItem] = []
    if source is not None and file.role == "item":
        items.append(RawItem(file.collection, source, (), source.data, path.stem))
    elif source is not None and file.role == "list" and source.data is not None:
        if isinstance(source.data, list):
            items.extend(RawItem(file.collection, source, (index,), entry, "")
                         for index, entry in enumerate(source.data))
        else:
            problems.append(Problem(path, 1, 1, f"{path.name} must be a list of entries",
                                    "start each entry with '- ' at the left margin"))
    return LoadedFile(file, source, tuple(items), tuple(problems))


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def load_record(root: Path, content_dir: Path, settings: SourceFile | None = None) -> RawRecord:
    """Read every file of the record; collect, never raise, what cannot be read."""
    files = [load_file(file, read_bytes(file.path)) for file in discover_files(content_dir)]
    return assemble_record(root, content_dir, settings, files)


def assemble_record(root: Path, content_dir: Path, settings: SourceFile | None,
                    files: list[LoadedFile]) -> RawRecord:
    """The record from its files, each collection's entries in file order."""
    singles = {loaded.file.role: loaded.source for loaded in files if loaded.file.role in ("profile", "competencies")}
    items: dict[str, list[RawItem]] = {collection: [] for collection in COLLECTIONS}
    for loaded in files:
        if loaded.file.collection:
            items[loaded.file.collection].extend(loaded.items)
    problems = tuple(problem for loaded in files for problem in loaded.problems)
    return RawRecord(root, content_dir, settings, singles.get("profile"), singles.get("competencies"),
                     {collection: tuple(found) for collection, found in items.items()}, problems)


def load_collection(content_dir: Path, collection: str) -> tuple[list[RawItem], list[Problem]]:
    """One collection's entries as written, for commands that must work on a broken record."""
    loaded = [load_file(file, read_bytes(file.path)) for file in discover_collection(content_dir, collection)]
    return ([item for file in loaded for item in file.items],
            [problem for file in loaded for problem in file.problems])


def decode(path: Path, data: bytes | None) -> tuple[str | None, list[Problem]]:
    if data is None:
        return None, [Problem(path, 1, 1, "cannot read the file", "check that it exists and is readable")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [Problem(path, line, 1, "the file is not UTF-8 text", "save it with UTF-8 encoding")]


def read_yaml_file(path: Path) -> tuple[SourceFile | None, list[Problem]]:
    text, problems = decode(path, read_bytes(path))
    if text is None:
        return None, problems
    return parse_yaml(path, text, line_offset=0)


FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*$\r?\n?", re.DOTALL | re.MULTILINE)


def read_markdown_file(path: Path) -> tuple[SourceFile | None, list[Problem]]:
    text, problems = decode(path, read_bytes(path))
    if text is None:
        return None, problems
    return parse_markdown(path, text)


def parse_markdown(path: Path, text: str) -> tuple[SourceFile | None, list[Problem]]:
    """A Markdown entry: YAML front matter between two `---` lines, then the body."""
    match = FRONT_MATTER.match(text)
    if not match:
        if text.startswith("---"):
            return None, [Problem(path, 1, 1, "the front matter is never closed",
                                  "end it with a line of three dashes: ---")]
        return None, [Problem(path, 1, 1, "the file has no front matter",
                              "start it with ---, then title: and date:, then ---")]
    source, problems = parse_yaml(path, match.group(1), line_offset=1)
    if source is None:
        return None, problems
    body_line = text.count("\n", 0, match.end()) + 1
    data = {} if source.data is None else source.data
    return SourceFile(path, data, source.values, source.keys, text[match.end():], body_line), problems


YAML_HINTS = (
    ("mapping values are not allowed", "put quotes around a value that contains ': '"),
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("found undefined alias", "define the &anchor before using *alias, or quote the *"),
    ("could not find expected ':'", "each line of a mapping needs 'key: value'; check the line above"),
    ("expected <block end>", "check the indentation: items of one list or mapping line up"),
    ("did not find expected '-' indicator", "list items must all start with '- ' at one indentation"),
    ("found unexpected end of stream", "a quote or bracket is never closed"),
    ("while scanning a quoted scalar", "a quote is never closed"),
    ("did not find expected ',' or ']'", "close the list with ] on the same line, or write one '- item' per line"),
    ("did not find expected ',' or '}'", "close the mapping with } on the same line"),
    ("found unhashable key", "a key cannot be a list or mapping; quote it"),
)


def parse_yaml(path: Path, text: str, line_offset: int) -> tuple[SourceFile | None, list[Problem]]:
    """Parse with the safe loader, keeping positions; a syntax error becomes a Problem."""
    loader = RecordLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context and error.context.startswith("while parsing a flow") and error.context_mark:
            mark = error.context_mark  # an unclosed [ or { is reported where it opens
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        column = (mark.column + 1) if mark else 1
        what = " ".join(filter(None, [error.context, error.problem]))
        hint = next((h for needle, h in YAML_HINTS if needle in what),
                    "check indentation and quoting on this line and the one above")
        return None, [Problem(path, line, column, f"YAML syntax error: {what}", hint)]
    except (yaml.YAMLError, ValueError) as error:
        return None, [Problem(path, 1 + line_offset, 1, f"YAML error: {error}",
                              "check the file's syntax")]
    finally:
        loader.dispose()
    values: dict = {}
    keys: dict = {}
    problems: list[Problem] = []
    if node is not None:
        for location, spot, is_key, duplicate in walk_positions(node, (), line_offset):
            if duplicate:
                problems.append(Problem(path, spot.line, spot.column,
                                        f"the key '{location[-1]}' is written twice",
                                        "keep one; YAML would silently use the last"))
            (keys if is_key else values)[location] = spot
    return SourceFile(path, data, values, keys), problems


def walk_positions(node: yaml.Node, location: Location, offset: int) -> Iterator:
    yield location, Position(node.start_mark.line + 1 + offset, node.start_mark.column + 1), False, False
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key == "<<":
                continue
            here = location + (key,)
            spot = Position(key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
            yield here, spot, True, key in seen
            seen.add(key)
            yield from walk_positions(value_node, here, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from walk_positions(item, location + (index,), offset)
