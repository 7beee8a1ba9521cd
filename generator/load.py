"""Read the record's files into plain values that remember where each value was written.

Nothing here knows the schema: load turns YAML and Markdown front matter into dicts and
lists, and keeps the line and column of every value and key so that later stages can
point at the exact spot when something is wrong.
"""

from __future__ import annotations

import bisect
import functools
import json
import os
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

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

    # The C parser asks these three of every node, in Python. PyYAML's resolve gathers the
    # resolvers for a scalar's first character into a new list each time, and the other two
    # serve path resolvers, which this loader has none of: together they were a seventh of
    # parsing a record. These give the same tags (a test compares them with PyYAML's).
    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                first = value[:1]
                resolvers = _RESOLVERS.get(first)
                if resolvers is None:
                    resolvers = _RESOLVERS[first] = tuple(self.yaml_implicit_resolvers.get(first, [])) + \
                        tuple(self.yaml_implicit_resolvers.get(None, []))
                for tag, regexp in resolvers:
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_RESOLVERS: dict[str, tuple] = {}  # a plain scalar's first character -> the resolvers that may tag it


RecordLoader.add_constructor("tag:yaml.org,2002:timestamp",
                             lambda loader, node: loader.construct_scalar(node))


def construct_int(loader: RecordLoader, node: yaml.ScalarNode) -> int:
    """An integer, or a located error for one too long to be a number anybody means."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {len(node.value)} digits is too long", node.start_mark) from None


RecordLoader.add_constructor("tag:yaml.org,2002:int", construct_int)


def construct_bool(loader: RecordLoader, node: yaml.ScalarNode) -> bool:
    """true or false (yes, no, on, off); `!!bool maybe` is a located error, not a crash."""
    value = loader.construct_scalar(node)
    found = yaml.constructor.SafeConstructor.bool_values.get(value.lower())
    if found is None:
        raise yaml.constructor.ConstructorError(None, None, f"'{value}' is not true or false", node.start_mark)
    return found


RecordLoader.add_constructor("tag:yaml.org,2002:bool", construct_bool)

# Bounds on one document, so that a hostile file cannot take the build's time or memory:
# aliases (*name) can make a few lines stand for billions of values.
MAX_VALUES = 100_000
MAX_DEPTH = 64

Location = tuple  # a path into a value: ("impact", 0, "metric")



class Position(NamedTuple):
    line: int
    column: int


@dataclass(frozen=True)
class SourceFile:
    """One file's values, read from `text`, and where each value and mapping key sits in it."""

    path: Path
    data: Any
    text: str = field(repr=False)  # the YAML (or JSON) the values were read from
    line_offset: int = 0  # lines of the file before `text` (front matter's opening ---)
    body: str = ""
    body_line: int = 1
    syntax: str = "yaml"

    @functools.cached_property
    def tables(self) -> tuple[dict, dict]:
        """Location -> (line, column) of each value, and of each mapping key.

        Found again from the text when first asked for: only a problem needs a position,
        and kept for every value of every file they were most of a parsed record's memory
        and of what its cache loads."""
        if self.syntax == "json":
            values, keys, _ = json_positions(self.path, self.text)
            return values, keys
        return yaml_positions(self.text, self.line_offset)

    @property
    def values(self) -> dict:
        return self.tables[0]

    @property
    def keys(self) -> dict:
        return self.tables[1]

    def position(self, location: Location, key: bool = False) -> Position:
        """The closest known position to `location`: the place itself, or its parent."""
        table = self.keys if key else self.values
        while True:
            found = table.get(location)
            if found is None and key:
                found = self.values.get(location)
            if found is not None:
                return Position(*found)
            if not location:
                return Position(1, 1)
            location = location[:-1]

    def __reduce__(self) -> tuple:
        # The positions found so far stay behind: the text gives them again. The values go
        # as a pickle of their own, unpickled when first asked for: a build after an edit
        # takes every unchanged file from the cache and asks none of them for its values.
        values = self.__dict__.get(PICKLED_VALUES)
        if values is None:
            values = pickle.dumps(self.data, protocol=pickle.HIGHEST_PROTOCOL)
        return _unpickled_source, (self.path, values, self.text, self.line_offset, self.body, self.body_line,
                                   self.syntax)

    def release_values(self) -> None:
        """Let go of the values read: a build past validation reads none of them again, and
        at 10,000 achievements they are tens of megabytes that every process of the build
        would hold. Asked for again, they are read again (see `_values_again`)."""
        self.__dict__.pop("data", None)


PICKLED_VALUES = "pickled_values"  # a SourceFile's values as pickled, where it came from a pickle


def _unpickled_source(path: Path, values: bytes, text: str, line_offset: int, body: str, body_line: int,
                      syntax: str) -> SourceFile:
    source = SourceFile.__new__(SourceFile)
    # the fields set as the frozen dataclass's __init__ would, without its setattr per field
    source.__dict__.update(path=path, text=text, line_offset=line_offset, body=body, body_line=body_line,
                           syntax=syntax, **{PICKLED_VALUES: values})
    return source


def _values_again(source: SourceFile) -> Any:
    """The values of `source` when it holds none: unpickled, for a file that came from a
    pickle (the cache, another process), else read again from its text after
    `release_values`; the same text read the same way gives the same values."""
    pickled = source.__dict__.get(PICKLED_VALUES)
    if pickled is not None:
        return pickle.loads(pickled)
    if source.syntax == "json":
        return json.loads(source.text, parse_constant=lambda name: None)
    again, _ = parse_yaml(source.path, source.text, source.line_offset)
    data = None if again is None else again.data
    return front_matter_values(data) if source.path.suffix == ".md" else data


# Set after the class is made, or the dataclass would take it for the default of `data`: as
# a cached property it gives way to the value each SourceFile holds, until that is released.
SourceFile.data = functools.cached_property(_values_again)  # type: ignore[assignment]
SourceFile.data.__set_name__(SourceFile, "data")


@dataclass(frozen=True)
class RawItem:
    """One entry of a collection as written: its values and where they sit in its file."""

    collection: str
    source: SourceFile
    prefix: Location  # where the item sits inside its file: () or (index,)
    stem: str  # the file name without extension, the fallback id

    @property
    def data(self) -> Any:
        """The entry's values: its file's, or its place in a list file's (asked of the file
        each time, so that releasing the file's values lets go of them)."""
        return self.source.data[self.prefix[0]] if self.prefix else self.source.data

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
    refusal: str = ""  # why it is not read at all: a link out of the record, a folder, a loop


# Larger files are refused before they are parsed: no career record needs one, and a hostile
# one could take the build's time and memory.
MAX_FILE_BYTES = 4 * 1024 * 1024


def inside(path: Path, boundary: Path) -> bool:
    """Whether `path`, with every link in it followed, is in the folder `boundary` (resolved)."""
    try:
        real = Path(os.path.realpath(path, strict=True))
    except (OSError, RuntimeError):
        return False
    return real == boundary or boundary in real.parents


def examine(path: Path, role: str, collection: str, boundary: Path) -> RecordFile | None:
    """The file at `path` as the record holds it, or None when nothing is there."""
    if path.is_symlink():
        try:
            os.path.realpath(path, strict=True)
        except (OSError, RuntimeError):
            return RecordFile(path, role, collection, "this link leads nowhere, or round in a loop — "
                              "replace it by the file itself")
        if not inside(path, boundary):
            return RecordFile(path, role, collection, "this file is a link to a place outside the record, "
                              "which careerfolio never reads — copy the file into the record instead")
    if path.is_dir():
        return RecordFile(path, role, collection, "this is a folder where a file is expected — "
                          "rename the folder, or put the file here")
    if not path.is_file():
        return None
    return RecordFile(path, role, collection)


@dataclass(frozen=True)
class LoadedFile:
    """One file read: its values with their positions, the entries in it, and its problems.

    A pure function of the file's bytes, so a build may reuse it while the bytes are unchanged.
    """

    file: RecordFile
    source: SourceFile | None
    items: tuple  # RawItem, one per entry
    problems: tuple


def discover_files(content_dir: Path, root: Path | None = None) -> list[RecordFile]:
    """Every file of the record that careerfolio reads, in the order entries are numbered.

    Each must lie in the record's folder (`root`, else the content folder), links followed:
    a record cloned from anywhere must not make the build read, let alone publish, a file
    of the machine it is built on.
    """
    boundary = Path(os.path.realpath(root if root is not None else content_dir))
    files = []
    for role in ("profile", "competencies"):
        found = next((file for suffix in YAML_SUFFIXES
                      if (file := examine(content_dir / (role + suffix), role, "", boundary)) is not None), None)
        if found is not None:
            files.append(found)
    for collection in COLLECTIONS:
        files.extend(discover_collection(content_dir, collection, boundary))
    return files


def discover_collection(content_dir: Path, collection: str, boundary: Path | None = None) -> list[RecordFile]:
    """A collection may be one YAML list file, a folder of one file per item, or both."""
    boundary = boundary or Path(os.path.realpath(content_dir))
    files = [file for suffix in YAML_SUFFIXES
             if (file := examine(content_dir / (collection + suffix), "list", collection, boundary)) is not None]
    folder = content_dir / collection
    if folder.is_dir() and inside(folder, boundary):
        suffixes = YAML_SUFFIXES + ((".md",) if COLLECTIONS[collection].markdown else ())
        with os.scandir(folder) as listing:
            entries = sorted((entry for entry in listing if not entry.name.startswith((".", "_"))
                              and os.path.splitext(entry.name)[1] in suffixes), key=lambda entry: entry.name)
        for entry in entries:
            path = folder / entry.name
            if entry.is_file(follow_symlinks=False):  # the folder's listing says so: no need to ask again
                files.append(RecordFile(path, "item", collection))
                continue
            file = examine(path, "item", collection, boundary)
            if file is not None:
                files.append(file)
    elif folder.is_dir() or folder.is_symlink():
        files.append(RecordFile(folder, "item", collection, "this folder is a link to a place outside the "
                                "record, which careerfolio never reads — move the files into the record"))
    return files


def load_file(file: RecordFile, data: bytes | None) -> LoadedFile:
    """Parse one file's bytes (None: it could not be read) into positioned values and entries."""
    path = file.path
    if file.refusal:
        message, _, hint = file.refusal.partition(" — ")
        return LoadedFile(file, None, (), (Problem(path, 1, 1, message, hint),))
    if data is not None and len(data) > MAX_FILE_BYTES:
        try:
            size = os.stat(path).st_size
        except OSError:
            size = len(data)
        return LoadedFile(file, None, (), (Problem(
            path, 1, 1, f"the file is {size / 1024 / 1024:.0f} MB, more than careerfolio reads "
            f"({MAX_FILE_BYTES // 1024 // 1024} MB)", "split it, or move large evidence to assets/"),))
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
        items.append(RawItem(file.collection, source, (), path.stem))
    elif source is not None and file.role == "list" and source.data is not None:
        if isinstance(source.data, list):
            items.extend(RawItem(file.collection, source, (index,), "") for index in range(len(source.data)))
        else:
            problems.append(Problem(path, 1, 1, f"{path.name} must be a list of entries",
                                    "start each entry with '- ' at the left margin"))
    return LoadedFile(file, source, tuple(items), tuple(problems))


def read_bytes(path: Path) -> bytes | None:
    """A file's bytes, at most one more than MAX_FILE_BYTES (enough to refuse it); None if unreadable."""
    try:
        with open(path, "rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None


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
    loaded = [load_file(file, None if file.refusal else read_bytes(file.path))
              for file in discover_collection(content_dir, collection)]
    return ([item for file in loaded for item in file.items],
            [problem for file in loaded for problem in file.problems])


def decode(path: Path, data: bytes | None) -> tuple[str | None, list[Problem]]:
    if data is None:
        return None, [Problem(path, 1, 1, "cannot read the file", "check that it exists and is readable")]
    try:
        # files checked out on Windows end lines with CRLF: read them as the same text
        return data.decode("utf-8-sig").replace("\r\n", "\n"), []
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
    return SourceFile(path, front_matter_values(source.data), source.text, source.line_offset, text[match.end():],
                      body_line), problems


def front_matter_values(data: Any) -> Any:
    """Front matter with nothing in it holds no values, not null."""
    return {} if data is None else data


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
    ("is not true or false", "write true or false, or quote the text"),
)


def parse_yaml(path: Path, text: str, line_offset: int) -> tuple[SourceFile | None, list[Problem]]:
    """Parse with the safe loader, keeping positions; a syntax error becomes a Problem."""
    loader = RecordLoader(text)
    try:
        node = loader.get_single_node()
        hostile = node is not None and could_be_hostile(text)
        if hostile:
            refused = measure(node)
            if refused is not None:
                spot, message, hint = refused
                return None, [Problem(path, spot.line + line_offset, spot.column, message, hint)]
        if node is None:
            data = None
        elif hostile:
            data = loader.construct_document(node)
        else:
            try:
                data = construct_plainly(loader, node)
            except Exception:  # noqa: BLE001 - PyYAML's own constructor decides, and words the error
                data = loader.construct_document(node)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        character = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        return None, [Problem(path, line + line_offset, column, f"the file holds the control character {character}",
                              "delete it: such characters are often pasted in by accident and are invisible")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context and error.context.startswith("while parsing a flow") and error.context_mark:
            mark = error.context_mark  # an unclosed [ or { is reported where it opens
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        column = (mark.column + 1) if mark else 1
        what = " ".join(filter(None, [error.context, error.problem]))
        source_line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
        hint = next((h for needle, h in YAML_HINTS if needle in what),
                    "check indentation and quoting on this line and the one above")
        if "\t" in source_line[: (mark.column + 1) if mark else None] or "tab" in what:
            hint = "indent with spaces, not tabs"
        if error.problem and "is too long" in error.problem:
            return None, [Problem(path, line, column, error.problem, "write the number you mean, or quote it")]
        if "maximum nesting depth" in what:  # libyaml's own bound (1,000 levels), where it stopped reading
            return None, [Problem(path, line, column, f"the values are nested more than {MAX_DEPTH} levels deep",
                                  "write them flatter")]
        return None, [Problem(path, line, column, f"YAML syntax error: {what}", hint)]
    except RecursionError:
        return None, [Problem(path, 1 + line_offset, 1, f"the values are nested more than {MAX_DEPTH} levels deep",
                              "write them flatter")]
    except (yaml.YAMLError, ValueError) as error:
        return None, [Problem(path, 1 + line_offset, 1, f"YAML error: {error}",
                              "check the file's syntax")]
    finally:
        loader.dispose()
    problems = [Problem(path, key.start_mark.line + 1 + line_offset, key.start_mark.column + 1,
                        f"the key '{key.value}' is written twice", "keep one; YAML would silently use the last")
                for key in sorted(duplicate_keys(node), key=lambda key: (key.start_mark.line, key.start_mark.column))
                ] if node is not None else []
    return SourceFile(path, data, text, line_offset), problems


TAG = "tag:yaml.org,2002:"


class Unusual(Exception):
    """A document `construct_plainly` leaves to PyYAML's constructor."""


def construct_plainly(loader: RecordLoader, node: yaml.Node) -> Any:
    """The values of a document without aliases, as `loader.construct_document` gives them.

    PyYAML's constructor is written for every corner of YAML (aliases, recursive values,
    merge keys, custom tags): for the plain mappings, lists and scalars a record is made of,
    going through it was a third of parsing. Anything else raises, and the caller hands the
    document to PyYAML's constructor, which also words any error."""
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        if tag == TAG + "str" or tag == TAG + "timestamp":  # dates stay text (see RecordLoader)
            return node.value
        if tag == TAG + "int":
            return construct_int(loader, node)
        if tag == TAG + "float":
            return yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
        if tag == TAG + "bool":
            return construct_bool(loader, node)
        if tag == TAG + "null":
            return None
    elif isinstance(node, yaml.SequenceNode) and tag == TAG + "seq":
        return [construct_plainly(loader, child) for child in node.value]
    elif isinstance(node, yaml.MappingNode) and tag == TAG + "map":
        mapping = {}
        # a merge key (<<) has a tag of its own, and a list for a key cannot be one: both raise
        for key_node, value_node in node.value:
            mapping[construct_plainly(loader, key_node)] = construct_plainly(loader, value_node)
        return mapping
    raise Unusual(tag)


def duplicate_keys(root: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """Every mapping key written a second time in its mapping, in document order."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                    if key_node.value in seen:
                        yield key_node
                    seen.add(key_node.value)
            stack.extend(value for _, value in reversed(node.value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


def yaml_positions(text: str, line_offset: int) -> tuple[dict, dict]:
    """Where each value and mapping key of YAML `text` (already read once, so valid) starts."""
    values: dict = {}
    keys: dict = {}
    loader = RecordLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is not None:
        for location, spot, is_key in walk_positions(node, (), line_offset):
            (keys if is_key else values)[location] = spot
    return values, keys


DEEP_INDENT = re.compile(rf"^[ \t-]{{{MAX_DEPTH - 1},}}", re.MULTILINE)


def could_be_hostile(text: str) -> bool:
    """Whether a document may break the bounds: only aliases (*name) multiply values, and
    nesting deeper than MAX_DEPTH needs that many brackets or that much indentation."""
    return ("*" in text or text.count("[") + text.count("{") >= MAX_DEPTH
            or DEEP_INDENT.search(text) is not None)


def measure(root: yaml.Node) -> tuple[Position, str, str] | None:
    """Refuse a document nested too deep, or one whose aliases make it stand for too many values.

    Counts each node's values once, aliases included, without expanding them, so a few
    lines of nested aliases (a "billion laughs") are refused at once.
    """
    size: dict[int, int] = {}
    depth_of: dict[int, int] = {id(root): 1}
    order: list[yaml.Node] = []
    stack = [root]
    seen: set[int] = set()
    while stack:  # depth first, without recursion, noting each node once
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        for child in _children(node):
            depth = depth_of[id(node)] + 1
            if depth > MAX_DEPTH:
                return (Position(child.start_mark.line + 1, child.start_mark.column + 1),
                        f"the values are nested more than {MAX_DEPTH} levels deep", "write them flatter")
            depth_of[id(child)] = max(depth_of.get(id(child), 0), depth)
            stack.append(child)
    for node in reversed(order):  # children before their parents
        total = 1 + sum(size.get(id(child), 1) for child in _children(node))
        if total > MAX_VALUES:
            return (Position(node.start_mark.line + 1, node.start_mark.column + 1),
                    f"these values stand for more than {MAX_VALUES:,} through aliases (*name)",
                    "write the values out, or use fewer aliases")
        size[id(node)] = total
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def walk_positions(node: yaml.Node, location: Location, offset: int) -> Iterator:
    yield location, (node.start_mark.line + 1 + offset, node.start_mark.column + 1), False
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key == "<<":
                continue
            here = location + (key,)
            yield here, (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1), True
            yield from walk_positions(value_node, here, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from walk_positions(item, location + (index,), offset)


# JSON's decoder knows no positions, so a second pass over text it has accepted finds where
# each value and key starts: strings, punctuation, and bare words (numbers, true, NaN…).
JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)
JSON_HINTS = (
    ("Expecting ',' delimiter", "a comma is missing between two values, or a quote before this is never closed"),
    ("Expecting property name", "keys need double quotes, and JSON allows no comma after the last item"),
    ("Expecting ':' delimiter", "put a colon between a key and its value"),
    ("Expecting value", "a value is missing here; JSON has no comments and no comma after the last item"),
    ("Unterminated string", "close the text with a double quote"),
    ("Invalid control character", "write a line break inside a text as \\n"),
    ("Invalid \\escape", "write a backslash inside a text as \\\\"),
    ("Extra data", "the file holds more than one JSON value; keep the one object"),
)
NOT_JSON_NUMBERS = {"NaN", "Infinity", "-Infinity"}


def json_pointer(location: Location) -> str:
    """A place in a JSON document as RFC 6901 writes it: ("projects", 0, "startDate") is /projects/0/startDate."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in location) or "/"


def parse_json(path: Path, text: str) -> tuple[SourceFile | None, list[Problem]]:
    """Parse JSON, keeping the position of every value and key as `parse_yaml` does.

    A syntax error is one located problem; a key written twice, a NaN or a document
    nested deeper than MAX_DEPTH are problems too, all of them reported.
    """
    try:
        data = json.loads(text, parse_constant=lambda name: None)
    except json.JSONDecodeError as error:
        hint = next((h for needle, h in JSON_HINTS if error.msg.startswith(needle)),
                    "check the JSON syntax here and just before it")
        return None, [Problem(path, error.lineno, error.colno, f"JSON syntax error: {error.msg}", hint)]
    except RecursionError:
        return None, [Problem(path, 1, 1, f"the values are nested more than {MAX_DEPTH} levels deep",
                              "write them flatter")]
    except ValueError as error:  # a number of thousands of digits
        return None, [Problem(path, 1, 1, f"JSON error: {error}", "write the number you mean, or quote it")]
    values, keys, problems = json_positions(path, text)
    source = SourceFile(path, data, text, syntax="json")
    source.__dict__["tables"] = (values, keys)  # found already: `tables` need not look again
    return source, problems


@dataclass
class _JsonContainer:
    """An object or array the position scanner is inside of."""

    location: Location
    is_object: bool
    index: int = 0
    key: str | None = None
    seen: set = field(default_factory=set)


def json_positions(path: Path, text: str) -> tuple[dict, dict, list[Problem]]:
    """Where each value and key of valid JSON `text` starts, and its duplicate keys, NaNs and depth."""
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(line_starts, offset)
        return line, offset - line_starts[line - 1] + 1

    values: dict = {}
    keys: dict = {}
    problems: list[Problem] = []
    stack: list[_JsonContainer] = []
    for match in JSON_TOKEN.finditer(text):
        token = match.group()
        if token in (",", ":"):
            continue
        if token in ("}", "]"):
            stack.pop()
            continue
        container = stack[-1] if stack else None
        if container is not None and container.is_object and container.key is None:
            key = json.loads(token)
            spot = position(match.start())
            keys[container.location + (key,)] = spot
            if key in container.seen:
                problems.append(Problem(path, *spot,
                                        f"{json_pointer(container.location + (key,))}: the key '{key}' is "
                                        "written twice", "keep one; JSON readers silently use the last"))
            container.seen.add(key)
            container.key = key
            continue
        if container is None:
            location: Location = ()
        elif container.is_object:
            location, container.key = container.location + (container.key,), None
        else:
            location = container.location + (container.index,)
            container.index += 1
        spot = values[location] = position(match.start())
        if token in NOT_JSON_NUMBERS:
            problems.append(Problem(path, *spot, f"{json_pointer(location)}: {token} is not a "
                                    "number JSON allows", "write a number, or null"))
        if token in ("{", "["):
            if len(stack) >= MAX_DEPTH:
                return values, keys, [Problem(path, *spot,
                                              f"the values are nested more than {MAX_DEPTH} levels deep",
                                              "write them flatter")]
            stack.append(_JsonContainer(location, token == "{"))
    return values, keys, problems
