"""Apply the schema to what was loaded, and check every reference between entries.

The result is a `Record`: typed, frozen entries that still know which file and line they
came from. Every problem in the whole record is collected before anything is raised, and
each is reworded from pydantic's vocabulary into the user's.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.load import (
    LoadedFile,
    RawItem,
    RawRecord,
    SourceFile,
    assemble_record,
    discover_files,
    inside,
    load_file,
    load_settings,
    read_bytes,
)
from generator.model import (
    COLLECTION_MODELS,
    Competencies,
    Model,
    Profile,
    Settings,
)
from generator.problems import Problem, RecordProblems, UsageError, display_path
from generator.vocabulary import (
    COLLECTIONS,
    derived_id,
    is_valid_id,
    may_hold_placeholder,
    placeholder_hint,
    slugify,
)

# A place in the user's files that findings can point at: an entry, or a whole file.
Located = RawItem


@dataclass(frozen=True)
class Entry:
    """A validated entry: the model, its id, its Markdown body and where it was written."""

    collection: str
    id: str
    model: Any
    body: str
    origin: RawItem

    @property
    def path(self) -> Path:
        return self.origin.source.path


@dataclass(frozen=True)
class Record:
    """The whole record, typed and cross-checked; the input of every later stage."""

    root: Path
    content_dir: Path
    settings: Settings
    settings_source: SourceFile | None
    profile: Profile
    profile_source: SourceFile | None
    competencies: Competencies
    competencies_source: SourceFile | None
    entries: dict  # collection -> tuple[Entry, ...] in file order

    def collection(self, name: str) -> tuple[Entry, ...]:
        return self.entries.get(name, ())

    @property
    def profile_file(self) -> Located | None:
        """profile.yaml as one place, for findings about its keys."""
        return whole_file(self.profile_source) if self.profile_source is not None else None

    @property
    def competencies_file(self) -> Located | None:
        """competencies.yaml as one place, for findings about the ladder."""
        return whole_file(self.competencies_source) if self.competencies_source is not None else None


def read_record(root: Path) -> Record:
    """Load and validate a whole record; raise RecordProblems with every problem in it."""
    root, settings_source, settings, problems = locate_record(root)
    content_dir = root / settings.content_dir
    files = [check_file(load_file(file, None if file.refusal else read_bytes(file.path)))
             for file in discover_files(content_dir, root)]
    return validate_record(root, settings, settings_source, files, problems)


def read_settings(root: Path) -> tuple[Path, Settings]:
    """The record's root and settings, for commands that need only to know where things go."""
    root, _, settings, problems = locate_record(root)
    if problems:
        raise RecordProblems(problems)
    return root, settings


def locate_record(root: Path) -> tuple[Path, SourceFile | None, Settings, list]:
    """The record's folder, its settings (validated) and their problems; the content must exist."""
    root = root.resolve()
    if not root.is_dir():
        raise UsageError(f"there is no folder {root} — pass the record's folder with -C DIR")
    settings_source, problems = load_settings(root)
    settings, found = validate_settings(settings_source)
    problems.extend(found)
    content_dir = root / settings.content_dir
    if not content_dir.is_dir():
        where = display_path(content_dir)
        raise UsageError(f"{where} does not exist, so {root} is not a careerfolio record — "
                         "run `careerfolio init` to start one, or pass the record's folder with -C DIR")
    return root, settings_source, settings, problems


def validate_settings(source: SourceFile | None) -> tuple[Settings, list[Problem]]:
    """Settings are validated on their own first: they decide where the content is."""
    if source is None:
        return Settings(), []
    model, problems = validate_model(Settings, source.data if source.data is not None else {},
                                     whole_file(source))
    return model or Settings(), problems


@dataclass(frozen=True)
class CheckedFile:
    """One file loaded and put through the schema, before any check across files.

    A pure function of the file's path and bytes, so a build may reuse it while they are
    unchanged.
    """

    loaded: LoadedFile
    models: tuple  # one per entry (None where it is invalid); the profile or ladder alone
    problems: tuple  # loading and schema problems of this file


def check_file(loaded: LoadedFile) -> CheckedFile:
    """Apply the schema to every entry of one file."""
    problems = list(loaded.problems)
    source = loaded.source
    role = loaded.file.role
    models: list = []
    searched = source is not None and may_hold_placeholder(source.text)  # for placeholders, once a file
    if role == "profile" and source is not None:
        model, found = validate_model(Profile, source.data if source.data is not None else {}, whole_file(source))
        models.append(model)
        problems.extend(found)
        problems.extend(placeholder_problems(whole_file(source), "", searched))
    elif role == "competencies" and source is not None and source.data is not None:
        model, found = validate_model(Competencies, source.data, whole_file(source))
        models.append(model)
        problems.extend(found)
        if model is not None:
            problems.extend(duplicate_ids(
                ((c.id, whole_file(source), ("competencies", index, "id"))
                 for index, c in enumerate(model.competencies)), "competency"))
    else:
        for item in loaded.items:
            model, found = validate_model(COLLECTION_MODELS[item.collection], item.data, item)
            models.append(model)
            problems.extend(found)
            if model is not None and not getattr(model, "draft", False):
                problems.extend(placeholder_problems(item, item.source.body if item.prefix == () else "", searched))
    return CheckedFile(loaded, tuple(models), tuple(problems))


def validate_record(root: Path, settings: Settings, settings_source: SourceFile | None,
                    files: list[CheckedFile], settings_problems: list[Problem] = ()) -> Record:
    """The typed record from its checked files, with every id and reference checked across them.

    Raise RecordProblems listing every problem of the record, the settings' first.
    """
    content_dir = root / settings.content_dir
    raw = assemble_record(root, content_dir, settings_source, [checked.loaded for checked in files])
    problems = list(settings_problems)
    problems.extend(problem for checked in files for problem in checked.problems)
    singles = {checked.loaded.file.role: checked for checked in files
               if checked.loaded.file.role in ("profile", "competencies")}

    profile = None
    if "profile" not in singles:
        problems.append(Problem(content_dir / "profile.yaml", 1, 1, "the record has no profile.yaml",
                                "create it with at least `name: Your Name`"))
    elif singles["profile"].models:
        profile = singles["profile"].models[0]
    competencies = Competencies()
    if "competencies" in singles and singles["competencies"].models:
        competencies = singles["competencies"].models[0] or competencies

    valid: dict[str, list[Entry]] = {collection: [] for collection in COLLECTION_MODELS}
    for checked in files:
        for item, model in zip(checked.loaded.items, checked.models):
            if model is not None and item.collection in valid:
                body = item.source.body if item.prefix == () else ""
                valid[item.collection].append(Entry(item.collection, "", model, body, item))
    entries = {collection: tuple(assign_ids(found, problems)) for collection, found in valid.items()}

    problems.extend(duplicate_explicit_ids(raw))
    problems.extend(check_references(raw, {c.id for c in competencies.competencies}, unreadable_targets(files)))
    if problems:
        raise RecordProblems(problems)
    return Record(root, content_dir, settings, settings_source, profile, raw.profile,
                  competencies, raw.competencies, entries)


def validate_as_before(root: Path, settings: Settings, settings_source: SourceFile | None,
                       files: list[CheckedFile], before: dict[int, CheckedFile],
                       ids: dict[str, tuple[str, ...]]) -> Record | None:
    """The record of `files`, whose ids were `ids` (each collection's, in file order) in a
    build whose record had no problem, when every file changed since (`before` maps each
    one's place in `files` to what it was then) is the same across files (see
    `same_across_files`); else None, and `validate_record` must run.

    A save usually changes an entry's words: its title, summary, story, impacts. Ids,
    visibility, references and evidence files are what the checks across files read, so
    such a save skips giving out ids and checking references, most of this stage's time."""
    if any(old is not files[index] and not same_across_files(old, files[index]) for index, old in before.items()):
        return None
    singles: dict[str, CheckedFile] = {}
    found: dict[str, list[Entry]] = {collection: [] for collection in COLLECTION_MODELS}
    given = {collection: iter(ids.get(collection, ())) for collection in COLLECTION_MODELS}
    for checked in files:
        if checked.problems:
            return None
        role = checked.loaded.file.role
        if role in ("profile", "competencies"):
            singles[role] = checked
            continue
        for item, model in zip(checked.loaded.items, checked.models):
            identifier = next(given[item.collection], None) if item.collection in given else None
            if model is None or identifier is None:
                return None
            found[item.collection].append(Entry(item.collection, identifier, model,
                                                item.source.body if item.prefix == () else "", item))
    if any(next(left, None) is not None for left in given.values()) \
            or "profile" not in singles or not singles["profile"].models:
        return None
    competencies = singles["competencies"].models[0] if "competencies" in singles and \
        singles["competencies"].models and singles["competencies"].models[0] else Competencies()
    return Record(root, root / settings.content_dir, settings, settings_source, singles["profile"].models[0],
                  singles["profile"].loaded.source, competencies,
                  singles["competencies"].loaded.source if "competencies" in singles else None,
                  {collection: tuple(entries) for collection, entries in found.items()})


def same_across_files(before: CheckedFile, now: CheckedFile) -> bool:
    """Whether a file changed only where no check across files looks: an entry file, without
    problems then or now, with the same entries, each the same to those checks."""
    file = now.loaded.file
    if file.path != before.loaded.file.path or file.role not in ("item", "list") or now.problems \
            or before.problems or len(now.models) != len(before.models) \
            or len(now.loaded.items) != len(before.loaded.items) or any(model is None for model in now.models):
        return False
    return all(checked_across_files(old_item) == checked_across_files(item)
               for old_item, item in zip(before.loaded.items, now.loaded.items))


def checked_across_files(item: RawItem) -> tuple:
    """What the checks across files read of an entry (see `validate_as_before`): its collection, id as
    given and as derived, visibility, references and evidence files."""
    data = item.data if isinstance(item.data, dict) else {}
    evidence = data.get("evidence")
    # an entry of its own file takes the file's name as its id; one of a list, its title's slug
    titles = () if item.stem else (repr(data.get("title")), repr(data.get("name")), repr(data.get("author")))
    return (item.collection, item.stem, repr(data.get("id")), item.expected_id(), repr(data.get("visibility")),
            *titles, *(repr(data.get(field)) for field in REFERENCE_FIELDS),
            repr([entry.get("file") if isinstance(entry, dict) else entry
                  for entry in (evidence if isinstance(evidence, list) else ())]))


def placeholder_problems(item: RawItem, body: str, searched: bool = True) -> Iterator[Problem]:
    """Every text of one entry (or the profile) still as `init` wrote it: a case is never published
    half-finished. Drafts may keep them; the caller leaves drafts out. Without `searched`, the
    values of the item's file hold none (see `may_hold_placeholder`), only its story may."""
    for location, text in text_values(item.data, ()) if searched else ():
        hint = placeholder_hint(text)
        if hint is not None:
            field = ".".join(str(part) for part in location)
            yield item.problem(location, f"`{field}` is still the placeholder `careerfolio init` wrote",
                               f"{hint}, or set `draft: true` until it is written" if item.collection else hint)
    hint = placeholder_hint(body) if body else None
    if hint is not None:
        yield Problem(item.source.path, item.source.body_line, 1,
                      "the story is still the placeholder `careerfolio init` wrote",
                      f"{hint}, or set `draft: true` until it is written")


def text_values(data: Any, location: tuple) -> Iterator[tuple[tuple, str]]:
    """Every string in a YAML value, with where it sits."""
    if isinstance(data, str):
        yield location, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from text_values(value, location + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_values(value, location + (index,))


def whole_file(source: SourceFile) -> RawItem:
    """A file as one item, for problems about the file or its top-level keys."""
    return RawItem("", source, (), source.path.stem)


def validate_model(model_class: type[Model], data: Any, item: RawItem) -> tuple[Any, list[Problem]]:
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"'{data}'"
        return None, [item.problem((), f"expected keys and values here, found {what}",
                                   "write one `key: value` per line")]
    try:
        return model_class.model_validate(data), []
    except ValidationError as error:
        return None, [reword(detail, model_class, item) for detail in error.errors()]


# Words people reach for instead of a key careerfolio uses: "did you mean" by meaning, where
# spelling alone would not find it (a theme's `parent:` is its `extends:`).
KEY_SYNONYMS = {"parent": "extends", "inherits": "extends", "base": "extends", "extend": "extends"}


def reword(detail: dict, model_class: type[BaseModel], item: RawItem) -> Problem:
    """Turn one pydantic error into a `message — hint` about the user's own key."""
    kind = detail["type"]
    location = tuple(part for part in detail["loc"] if not _is_internal_part(part))
    if kind == "extra_forbidden" and detail["loc"] and location[-1:] != detail["loc"][-1:]:
        location += detail["loc"][-1:]  # the unknown key is the user's, whatever it looks like
    field = next((str(part) for part in reversed(location) if isinstance(part, str)), "the value")
    value = detail.get("input")
    if isinstance(value, (str, int)) and not isinstance(value, bool) and len(str(value)) > 40:
        value = str(value)[:37] + "…"  # a message shows the start of a long value, not all of it
    context = detail.get("ctx") or {}
    if kind == "extra_forbidden":
        known = sorted(known_keys(model_class, location[:-1]))
        synonym = KEY_SYNONYMS.get(str(location[-1]))
        close = [synonym] if synonym in known else difflib.get_close_matches(str(location[-1]), known, n=1,
                                                                              cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "known keys here: " + ", ".join(known)
        return item.problem(location, f"unknown key '{location[-1]}'", hint, key=True)
    if value is None and kind.endswith(("_type", "_parsing")) and location:
        # `key:` with nothing after it: YAML reads null, which no type error explains well
        return item.problem(location, f"'{field}' has no value", f"write one after `{field}:`")
    if kind == "missing":
        return item.problem(location[:-1], f"'{field}' is missing",
                            f"add `{field}:` to this entry")
    if kind == "literal_error":
        expected = context.get("expected", "").replace("'", "")
        return item.problem(location, f"'{value}' is not a valid {field}",
                            f"use one of: {expected.replace(' or ', ', ')}")
    if kind in ("int_parsing", "float_parsing", "int_type", "float_type", "int_from_float"):
        return item.problem(location, f"{field} must be a number, not '{value}'",
                            "write digits only, without units or commas, e.g. 120000")
    if kind == "list_type":
        return item.problem(location, f"{field} must be a list",
                            f"write `{field}: [a, b]` or one '- item' per line")
    if kind in ("string_type",):
        return item.problem(location, f"{field} must be text, not {type(value).__name__}",
                            "put quotes around it")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return item.problem(location, f"{field} must be a set of keys and values",
                            "indent `key: value` lines under it")
    if kind in ("bool_parsing", "bool_type"):
        return item.problem(location, f"{field} must be true or false, not '{value}'",
                            "write true or false")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return item.problem(location, f"{field} is {value}, out of range", _range_hint(context))
    if kind == "finite_number":
        return item.problem(location, f"{field} must be a finite number, not '{value}'",
                            "write the number you measured, e.g. 120000")
    if kind == "string_too_short":
        return item.problem(location, f"{field} is empty", f"write a {field} or remove the key")
    message = str(detail["msg"])
    message = re.sub(r"^(Value error|Assertion failed), ", "", message)
    text, _, hint = message.partition(" — ")
    return item.problem(location, text, hint or "see the content format in the docs")


def _range_hint(context: dict) -> str:
    bounds = []
    for key, word in (("ge", "at least"), ("gt", "more than"), ("le", "at most"), ("lt", "less than")):
        if key in context:
            bound = context[key]
            bounds.append(f"{word} {bound:g}" if isinstance(bound, (int, float)) else f"{word} {bound}")
    return "it must be " + " and ".join(bounds)


INTERNAL_PART = re.compile(r"[a-z][a-z_-]*\[.*\]|function-after|function-plain")


def _is_internal_part(part: Any) -> bool:
    # pydantic names union members and validator wrappers inside locations (`tagged-union[…]`);
    # a key of the user's own may hold brackets too
    return isinstance(part, str) and INTERNAL_PART.fullmatch(part) is not None


def known_keys(model_class: type[BaseModel], location: tuple) -> set[str]:
    """The keys allowed at `location` below `model_class`, for "did you mean"."""
    current: Any = model_class
    for part in location:
        if isinstance(part, int):
            continue
        current = _model_in(current)
        if current is None or part not in current.model_fields:
            return set()
        current = current.model_fields[part].annotation
    current = _model_in(current)
    return set(current.model_fields) if current is not None else set()


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, typing.Union, types.UnionType, typing.Annotated, dict):
        for argument in typing.get_args(annotation)[::-1 if origin is dict else 1]:
            found = _model_in(argument)
            if found is not None:
                return found
    return None


# Ids are given out to public entries first, then internal, then private ones, so that what
# the public site shows never depends on entries it does not show.
VISIBILITY_ORDER = ("public", "internal", "private")


def assign_ids(entries: list[Entry], problems: list[Problem]) -> list[Entry]:
    """An id is the `id:` key, else the file name, else a slug of the title.

    A derived id that another entry already has gets `-2`, `-3`…; the more visible entries
    choose first, so a private file can never push a public page to another address (which
    would both break its links and reveal that the private entry exists).
    """
    for entry in entries:
        given = getattr(entry.model, "id", None)
        if given and not is_valid_id(given):
            problems.append(entry.origin.problem(("id",), f"the id '{given}' cannot be used in a web address",
                                                 f"use letters, digits and dashes, e.g. '{slugify(given)}'"))
    chosen: dict[int, str] = {}
    derived_by: dict[str, Entry] = {}  # id -> the entry that derived it
    taken: set[str] = set()
    for visibility in VISIBILITY_ORDER:
        tier = [entry for entry in entries if getattr(entry.model, "visibility", "public") == visibility]
        explicit = {entry.model.id for entry in tier if getattr(entry.model, "id", None)}
        for entry in tier:
            given = getattr(entry.model, "id", None)
            if given:
                if given in derived_by:
                    other = derived_by[given]
                    problems.append(entry.origin.problem(
                        ("id",), f"the id '{given}' is already the address of a more visible entry "
                        f"({other.path.name}:{other.origin.position().line})",
                        "give this entry another id, so the public page keeps its address"))
                identifier = given
            else:
                base = derived_id(entry.origin.stem, _title_of(entry.model))
                identifier, counter = base, 2
                while identifier in taken or identifier in explicit:
                    identifier, counter = f"{base}-{counter}", counter + 1
                derived_by[identifier] = entry
            taken.add(identifier)
            chosen[id(entry)] = identifier
    return [Entry(entry.collection, chosen[id(entry)], entry.model, entry.body, entry.origin) for entry in entries]


def _title_of(model: Any) -> str:
    for attribute in ("title", "name", "author"):
        value = getattr(model, attribute, None)
        if value:
            return str(value)
    return "entry"


def duplicate_ids(places, noun: str) -> list[Problem]:
    """An id given twice, from (id, item, location) in file order: each repeat points at the first."""
    first_with: dict[str, tuple[RawItem, tuple]] = {}
    problems = []
    for identifier, item, location in places:
        if identifier not in first_with:
            first_with[identifier] = (item, location)
            continue
        first, first_location = first_with[identifier]
        problems.append(item.problem(
            location, f"the id '{identifier}' is already used by another {noun}"
            f" ({first.source.path.name}:{first.position(first_location).line})", "give each entry its own id"))
    return problems


def duplicate_explicit_ids(raw: RawRecord) -> list[Problem]:
    """Two entries of a collection with the same `id:`, read from the raw values.

    Read before the schema, so a clash is reported in the same run as a schema error in
    either entry.
    """
    problems = []
    for collection in COLLECTION_MODELS:
        problems.extend(duplicate_ids(
            ((item.data["id"].strip(), item, ("id",)) for item in raw.items.get(collection, ())
             if isinstance(item.data, dict) and isinstance(item.data.get("id"), str) and item.data["id"].strip()),
            COLLECTIONS[collection].noun))
    return problems


REFERENCE_FIELDS = ("competencies", "projects", "goals")


def unreadable_targets(files: list[CheckedFile]) -> dict[str, set[str] | None]:
    """What references cannot be checked against, because the file that holds it did not parse.

    A collection maps to the ids of its unreadable one-entry files (taken from their names),
    or to None when a whole list file, or the ladder, could not be read: a file that failed
    to parse is broken, not absent, and must not make every reference to it look wrong.
    """
    unreadable: dict[str, set[str] | None] = {}
    for checked in files:
        file = checked.loaded.file
        source = checked.loaded.source
        target = "competencies" if file.role == "competencies" else file.collection
        if not target:
            continue
        if file.role == "competencies" and source is not None and (not checked.models or checked.models[0] is None):
            unreadable[target] = None  # the ladder is there but broken: its ids are unknown
            continue
        if file.role == "list" and source is not None and source.data is not None \
                and not isinstance(source.data, list):
            unreadable[target] = None
            continue
        if source is not None:
            continue
        if file.role == "item" and file.path.suffix and unreadable.get(target, set()) is not None:
            unreadable.setdefault(target, set()).add(derived_id(file.path.stem, None))
        else:
            unreadable[target] = None
    return unreadable


def check_references(raw: RawRecord, competency_ids: set[str],
                     unreadable: dict[str, set[str] | None] | None = None) -> list[Problem]:
    """Every id an entry names must exist, and every file it names must be in the content.

    This reads the raw values, so an entry with a schema error still has its references
    checked: the user sees every problem in one run. References into a file that did not
    parse are not checked (see `unreadable_targets`).
    """
    unreadable = unreadable or {}
    known = {
        "competencies": competency_ids,
        "projects": {i for i in (item.expected_id() for item in raw.items.get("projects", ())) if i},
        "goals": {i for i in (item.expected_id() for item in raw.items.get("goals", ())) if i},
    }
    for target, ids in unreadable.items():
        if target in known and ids is not None:
            known[target] |= ids
    problems: list[Problem] = []
    for collection in COLLECTION_MODELS:
        for item in raw.items.get(collection, ()):
            data = item.data if isinstance(item.data, dict) else {}
            for field in REFERENCE_FIELDS:
                names = data.get(field)
                if not isinstance(names, list) or (field == "goals" and collection == "goals") \
                        or (field in unreadable and unreadable[field] is None):
                    continue
                for index, name in enumerate(names):
                    if not isinstance(name, str) or name in known[field]:
                        continue
                    close = difflib.get_close_matches(name, sorted(known[field]), n=1, cutoff=0.6)
                    if close:
                        hint = f"did you mean '{close[0]}'?"
                    elif not known[field]:
                        hint = _nothing_to_reference(field)
                    else:
                        hint = "known ids: " + ", ".join(sorted(known[field])[:8])
                    noun = "competency" if field == "competencies" else field[:-1]
                    problems.append(item.problem((field, index), f"no {noun} has the id '{name}'", hint))
            evidence = data.get("evidence")
            for index, entry in enumerate(evidence if isinstance(evidence, list) else ()):
                name = entry.get("file") if isinstance(entry, dict) else None
                if isinstance(name, str):
                    problem = check_asset(raw.content_dir, name)
                    if problem:
                        problems.append(item.problem(("evidence", index, "file"), *problem))
    profile = raw.profile.data if raw.profile is not None and isinstance(raw.profile.data, dict) else {}
    if isinstance(profile.get("photo"), str):
        problem = check_asset(raw.content_dir, profile["photo"], image=True)
        if problem:
            problems.append(whole_file(raw.profile).problem(("photo",), *problem))
    return problems


def _nothing_to_reference(target: str) -> str:
    if target == "competencies":
        return "the record has no competencies.yaml; add the ladder's competencies there"
    return f"the record has no {target} yet"


IMAGE_SIGNATURES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
                    ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",), ".avif": (b"",), ".svg": (b"",)}


def check_asset(content_dir: Path, name: str, image: bool = False) -> tuple[str, str] | None:
    """An evidence file or photo must be a file under content/assets/, links followed.

    Only that folder is published with the site: a record must not be able to name one of
    its own internal entries, or a file of the machine it is built on, as evidence.
    """
    relative = Path(name.removeprefix("./"))
    if relative.is_absolute() or ".." in relative.parts or relative.parts[:1] != ("assets",):
        return (f"'{name}' is not in content/assets/, the one folder evidence and photos come from",
                "put the file under content/assets/ and write assets/<file>")
    assets = Path(os.path.realpath(content_dir / "assets"))
    path = content_dir / relative
    if path.is_symlink() and not inside(path, assets):
        return (f"'{name}' is a link to a place outside content/assets/, which careerfolio never copies",
                "put the file itself under content/assets/")
    if not path.is_file():
        near = sorted(str(p.relative_to(content_dir)) for p in (content_dir / "assets").rglob("*")
                      if p.is_file()) if (content_dir / "assets").is_dir() else []
        close = difflib.get_close_matches(name, near, n=1, cutoff=0.6)
        return (f"the file '{name}' does not exist",
                f"did you mean '{close[0]}'?" if close else "put it under content/assets/")
    if image:
        signatures = IMAGE_SIGNATURES.get(relative.suffix.lower())
        if signatures is None:
            return (f"'{name}' is not a picture", "use a .jpg, .png, .webp, .gif, .avif or .svg file")
        with open(path, "rb") as stream:
            head = stream.read(16)
        if not head.startswith(signatures):
            return (f"'{name}' is named {relative.suffix} but does not hold a {relative.suffix[1:].upper()} picture",
                    "export the picture again, or give the file the right ending")
    return None
