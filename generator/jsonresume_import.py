"""`careerfolio import jsonresume`: a new record from a JSON Resume file.

People arrive with a resume.json from another tool, or with one careerfolio exported. Either
becomes a record: what the record has a place for carries over, what it has no place for
is named in one line, and nothing is invented. A file that is not a valid JSON Resume gets
the same located problems as a record (`resume.json:12:17: /education/0/startDate: … — …`), all
of them in one run, and nothing is written. A careerfolio export carries
`meta.careerfolio`, which makes the import exact: the record that comes back builds the
same case. Files are only ever created, never overwritten, as `new` and `init` do.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.cli_text import count
from generator.jsonresume import (
    CERTIFICATION_FIELDS,
    FEEDBACK_FIELDS,
    LEARNING_FIELDS,
    LEARNING_KINDS,
    META_KEY,
    META_VERSION,
    PERIOD,
    PROFILE_FIELDS,
    PROJECT_FIELDS,
    RESUME_DATE,
    ROLE_FIELDS,
    Field,
    learning_kind,
    plain_numbers,
    to_uri,
)
from generator.load import (
    MAX_FILE_BYTES,
    Location,
    SourceFile,
    decode,
    json_pointer,
    load_settings,
    parse_json,
    read_bytes,
)
from generator.model import (
    COLLECTION_MODELS,
    Competencies,
    Model,
    PartialDate,
    Profile,
    Settings,
)
from generator.problems import Problem, RecordProblems, UserError, display_path
from generator.scaffold import short_slug, write_new_file
from generator.validate import check_asset, validate_model, validate_settings
from generator.vocabulary import COLLECTIONS, SETTINGS_FILE, YAML_SUFFIXES, is_valid_id, slugify

META: Location = ("meta", META_KEY)

# ---------------------------------------------------------------------------------------
# The shape of a JSON Resume (v1.2.1): what each key must hold. JSON Resume allows keys
# of its own beyond these; they are not errors, and are named as not carried over.

TEXT, DATE = "text", "date"
TEXTS = [TEXT]
RESUME_SHAPE: dict = {
    "$schema": TEXT,
    "basics": {
        "name": TEXT, "label": TEXT, "image": TEXT, "email": TEXT, "phone": TEXT, "url": TEXT, "summary": TEXT,
        "location": {"address": TEXT, "postalCode": TEXT, "city": TEXT, "countryCode": TEXT, "region": TEXT},
        "profiles": [{"network": TEXT, "username": TEXT, "url": TEXT}],
    },
    "work": [{"name": TEXT, "location": TEXT, "description": TEXT, "position": TEXT, "url": TEXT,
              "startDate": DATE, "endDate": DATE, "summary": TEXT, "highlights": TEXTS}],
    "volunteer": [{"organization": TEXT, "position": TEXT, "url": TEXT, "startDate": DATE, "endDate": DATE,
                   "summary": TEXT, "highlights": TEXTS}],
    "education": [{"institution": TEXT, "url": TEXT, "area": TEXT, "studyType": TEXT, "startDate": DATE,
                   "endDate": DATE, "score": TEXT, "courses": TEXTS}],
    "awards": [{"title": TEXT, "date": DATE, "awarder": TEXT, "summary": TEXT}],
    "certificates": [{"name": TEXT, "date": DATE, "url": TEXT, "issuer": TEXT}],
    "publications": [{"name": TEXT, "publisher": TEXT, "releaseDate": DATE, "url": TEXT, "summary": TEXT}],
    "skills": [{"name": TEXT, "level": TEXT, "keywords": TEXTS}],
    "languages": [{"language": TEXT, "fluency": TEXT}],
    "interests": [{"name": TEXT, "keywords": TEXTS}],
    "references": [{"name": TEXT, "reference": TEXT}],
    "projects": [{"name": TEXT, "description": TEXT, "highlights": TEXTS, "keywords": TEXTS, "startDate": DATE,
                  "endDate": DATE, "url": TEXT, "roles": TEXTS, "entity": TEXT, "type": TEXT}],
    "meta": {"canonical": TEXT, "version": TEXT, "lastModified": TEXT, META_KEY: {}},
}
# meta.careerfolio, as export writes it: what each key holds
META_SHAPE = {"version": "number", "audience": TEXT, "work": TEXT, "settings": {}, "profile": {},
              "competencies": {}, "goals": [{}], "achievements": [{}], "projects": [{}],
              "certifications": [{}], "feedback": [{}], "learning": [{}]}
# the JSON Resume section of the items each meta list stands for
META_SECTIONS = {"projects": "projects", "certifications": "certificates", "feedback": "references",
                 "learning": "education"}


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    return {dict: "an object", list: "a list", str: "a text", type(None): "null"}.get(
        type(value), "a number")


def check_shape(source: SourceFile) -> list[Problem]:
    """Every value of the resume that is not what JSON Resume says it holds, located."""
    if not isinstance(source.data, dict):
        return [located(source, (), f"a JSON Resume is an object, not {type_name(source.data)}",
                        'write { "basics": { "name": "…" }, … }')]
    problems = list(check_value(source, (), source.data, RESUME_SHAPE))
    meta = source.data.get("meta")
    if isinstance(meta, dict) and META_KEY in meta:
        problems.extend(check_value(source, META, meta[META_KEY], META_SHAPE))
        problems.extend(check_meta_keys(source, meta[META_KEY]))
    return problems


def check_value(source: SourceFile, location: Location, value: Any, shape: Any):
    """The problems of `value` against `shape`: TEXT, DATE, "number", [shape] or {key: shape}."""
    if value is None:
        return  # null is read as not given, as many JSON Resume tools write it
    if shape == TEXT and not isinstance(value, str):
        yield located(source, location, f"must be a text, found {type_name(value)}", "put it in double quotes")
    elif shape == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        yield located(source, location, f"must be a number, found {type_name(value)}", "write digits only")
    elif shape == DATE:
        problem = date_problem(value)
        if problem:
            yield located(source, location, *problem)
    elif isinstance(shape, list):
        if not isinstance(value, list):
            yield located(source, location, f"must be a list, found {type_name(value)}",
                          "write [ … ] around the items, even a single one")
            return
        for index, item in enumerate(value):
            if item is None:  # null means "not given" for a key, but a list holds what is given
                yield located(source, location + (index,), "an item of a list cannot be null",
                              "remove it, or write what it stands for")
                continue
            yield from check_value(source, location + (index,), item, shape[0])
    elif isinstance(shape, dict):
        if not isinstance(value, dict):
            yield located(source, location, f"must be an object of keys and values, found {type_name(value)}",
                          'write { "key": value, … }')
            return
        for key, item in value.items():
            if key in shape and location + (key,) != META:
                yield from check_value(source, location + (key,), item, shape[key])


def date_problem(value: Any) -> tuple[str, str] | None:
    """What is wrong with a JSON Resume date, as (message, hint), or None."""
    if not isinstance(value, str):
        return (f"a date must be a text, found {type_name(value)}", 'write it in double quotes, e.g. "2019-07"')
    if not value.strip():
        return None  # "" is how many tools write "not given" (a job still held)
    if not RESUME_DATE.match(value):
        return (f"{json.dumps(value, ensure_ascii=False)} is not a date", "write YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        PartialDate.parse(value)
    except ValueError as error:
        message, _, hint = str(error).partition(" — ")
        return (message.replace(f"'{value}'", json.dumps(value)), hint)
    return None


def check_meta_keys(source: SourceFile, meta: Any) -> list[Problem]:
    """meta.careerfolio is careerfolio's own: an unknown key there is a typo, or a newer layout."""
    if not isinstance(meta, dict):
        return []
    problems = []
    for key in meta:
        if key not in META_SHAPE:
            close = difflib.get_close_matches(key, list(META_SHAPE), n=1, cutoff=0.6)
            problems.append(located(source, META + (key,), f"unknown key '{key}'",
                                    f"did you mean '{close[0]}'?" if close else
                                    "known keys here: " + ", ".join(sorted(META_SHAPE)), key=True))
    version = meta.get("version")
    if isinstance(version, (int, float)) and not isinstance(version, bool) and version > META_VERSION:
        problems.append(located(source, META + ("version",), f"this resume was exported by a newer careerfolio "
                                f"(layout {version:g}; this one reads {META_VERSION})", "upgrade careerfolio"))
    return problems


def located(source: SourceFile, location: Location, message: str, hint: str = "", key: bool = False) -> Problem:
    """A problem at a place in the resume, named by its JSON Pointer as well as its line."""
    location = existing_place(source, tuple(location))
    spot = source.position(location, key=key)
    return Problem(source.path, spot.line, spot.column, f"{json_pointer(location)}: {message}", hint)


def existing_place(source: SourceFile, location: Location) -> Location:
    """The longest start of `location` that is a place in the document."""
    while location and location not in source.values:
        location = location[:-1]
    return location


# ---------------------------------------------------------------------------------------
# Reading the resume, noting what was read


class ResumeReader:
    """The resume's values by place. Every place read is noted, so that what was never read
    can be named: nothing in the resume is dropped without a word."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.read: set[Location] = set()

    def value(self, location: Location) -> Any:
        """The value at `location`; text that is empty counts as not given."""
        self.read.add(location)
        value = self.peek(location)
        if isinstance(value, str):
            return value.strip() or None
        return value

    def text(self, location: Location) -> str | None:
        value = self.value(location)
        return value if isinstance(value, str) else None

    def texts(self, location: Location) -> list[str]:
        value = self.value(location)
        return [item.strip() for item in value if isinstance(item, str) and item.strip()] \
            if isinstance(value, list) else []

    def date(self, location: Location) -> str | None:
        value = self.text(location)
        return value if value is not None and date_problem(value) is None else None

    def items(self, section: Location) -> list[Location]:
        """The places of the objects in the list at `section`."""
        value = self.peek(section)
        return [section + (index,) for index, item in enumerate(value)
                if isinstance(item, dict)] if isinstance(value, list) else []

    def peek(self, location: Location) -> Any:
        """The value at `location`, without counting it as read."""
        value: Any = self.source.data
        for part in location:
            if isinstance(value, dict) and isinstance(part, str):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    def unread(self) -> list[str]:
        """What was never read, by kind: `basics.phone`, `languages (2)`, `work.location (1)`."""
        found: Counter = Counter()
        whole: dict[str, int] = {}
        data = self.source.data if isinstance(self.source.data, dict) else {}
        for section, value in data.items():
            places = list(self.unread_leaves((section,), value))
            if not places:
                continue
            if not any(place[:1] == (section,) for place in self.read) and isinstance(value, list):
                whole[section] = len(value)  # a section with no place at all: named once, with its size
                continue
            for place in places:
                counted = any(isinstance(part, int) for part in place)
                name = ".".join(str(part) for part in place if not isinstance(part, int))
                found[(name, counted)] += 1
        named = [f"{name} ({number})" if counted else name for (name, counted), number in found.items()]
        return named + [f"{section} ({number})" for section, number in whole.items()]

    def unread_leaves(self, location: Location, value: Any):
        if location in self.read or location == ("$schema",):
            return
        if isinstance(value, dict):
            for key, item in value.items():
                yield from self.unread_leaves(location + (key,), item)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from self.unread_leaves(location + (index,), item)
        elif value is not None and not (isinstance(value, str) and not value.strip()):
            yield location


# ---------------------------------------------------------------------------------------
# The new record, before it is checked against the schema


@dataclass
class Origin:
    """Where an imported entry's fields were read, so that a schema problem points there.

    `fields` maps a record field to the place in the resume it came from; the rest of a
    problem's location is followed below that place as far as the document goes.
    """

    source: SourceFile
    item: Location
    fields: dict = field(default_factory=dict)

    def problem(self, location: Location, message: str, hint: str = "", key: bool = False) -> Problem:
        location = tuple(location)
        base = self.fields.get(location[0]) if location else None
        place = (base + location[1:]) if base is not None else self.item + location
        return located(self.source, place, message, in_json_terms(hint), key=key)


# The record's schema words its hints for YAML; in a JSON file they would mislead.
JSON_WORDING = (
    (re.compile(r"indent `key: value` lines under it"), 'write { "key": value, … }'),
    (re.compile(r"write `\w+: \[a, b\]` or one '- item' per line"), "write [ … ] around the items"),
    (re.compile(r"add `(\w+):` to this entry"), r'add "\1"'),
    (re.compile(r"write one after `(\w+):`"), r'write a value after "\1":'),
    (re.compile(r"put quotes around it"), "put it in double quotes"),
    (re.compile(r"write one `key: value` per line"), 'write { "key": value, … }'),
)


def in_json_terms(hint: str) -> str:
    for pattern, wording in JSON_WORDING:
        hint = pattern.sub(wording, hint)
    return hint


@dataclass
class Draft:
    """One entry of the new record: its fields as the record writes them, and where they came from."""

    collection: str  # a collection's name, or "profile", "competencies", "settings"
    data: dict
    origin: Origin
    id: str | None = None  # the id careerfolio exported it with
    body: str = ""


@dataclass
class Conversion:
    """Everything read from the resume: the drafts, and what could not be carried over."""

    drafts: list[Draft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)  # evidence files and the photo not found
    content_dir: Path = Path("content")


def take_fields(reader: ResumeReader, item: Location, fields: tuple[Field, ...], data: dict,
                origin: Origin) -> dict:
    """Set in `data` the fields a mapping table reads from the JSON Resume item at `item`,
    joined with what meta kept of them in `data` (see `Field.join`); return `data`.

    A field the JSON Resume item no longer shows is removed, even if meta kept it: the
    person deleted it there.
    """
    for mapping in fields:
        shown = tuple(reader.value(item + key) for key in mapping.keys)
        kept = data.get(mapping.name)
        value = mapping.join(shown, kept)
        if value is None:
            data.pop(mapping.name, None)
        else:
            data[mapping.name] = value
        if value is not kept or kept is None:  # read from the JSON Resume item: a problem points there
            origin.fields[mapping.name] = item + mapping.keys[0][:1]
    return data


def meta_place(origin: Origin, place: Location, data: dict) -> None:
    """Point the fields read from a meta object at their place in it."""
    for name in data:
        origin.fields.setdefault(name, place + (name,))


def convert(source: SourceFile, content_dir: Path) -> tuple[Conversion, ResumeReader]:
    """The resume as drafts of a new record, with the problems found on the way."""
    reader = ResumeReader(source)
    result = Conversion(content_dir=content_dir)
    meta = reader.peek(META)
    if isinstance(meta, dict):
        reader.read.add(META)
    else:
        meta = None
    claimed = claimed_items(reader, meta)
    project_ids = convert_projects(reader, meta, claimed, result)
    convert_profile(reader, meta, result)
    convert_achievements(reader, meta, claimed, project_ids, result)
    convert_list(reader, meta, claimed, result, "certifications", "certificates", CERTIFICATION_FIELDS,
                 foreign_certification)
    convert_list(reader, meta, claimed, result, "feedback", "references", FEEDBACK_FIELDS, foreign_reference)
    convert_list(reader, meta, claimed, result, "learning", "education", LEARNING_FIELDS, foreign_education)
    if meta is not None:
        reader.read.add(("skills",))  # a careerfolio export's skills are made from the ladder and the projects
        convert_meta_only(reader, meta, result)
    return result, reader


def meta_list(meta: dict | None, name: str) -> list[tuple[int, dict]]:
    value = (meta or {}).get(name)
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)] \
        if isinstance(value, list) else []


def pointer_place(pointer: Any) -> Location | None:
    """A JSON Pointer as a place: "/projects/0/highlights/2" is ("projects", 0, "highlights", 2)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        return None
    parts = [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]
    return tuple(int(part) if part.isdigit() else part for part in parts)


def claimed_items(reader: ResumeReader, meta: dict | None) -> dict[Location, Location]:
    """The JSON Resume items careerfolio wrote, each with the meta object that stands for it."""
    claimed: dict[Location, Location] = {}
    for name in ("achievements", *META_SECTIONS):
        for index, item in meta_list(meta, name):
            place = pointer_place(item.get("at"))
            if place is not None and reader.peek(place) is not None:
                claimed[place] = META + (name, index)
    work = pointer_place((meta or {}).get("work"))
    if work is not None and isinstance(reader.peek(work), dict):
        claimed[work] = META + ("work",)
    return claimed


def kept_of(item: dict) -> dict:
    """A meta object's record fields: everything but where it stands in the resume."""
    return {key: value for key, value in item.items() if key != "at"}


# --- the profile -------------------------------------------------------------------------


def convert_profile(reader: ResumeReader, meta: dict | None, result: Conversion) -> None:
    kept = (meta or {}).get("profile")
    kept = kept if isinstance(kept, dict) else {}
    origin = Origin(reader.source, ("basics",))
    data = dict(kept)
    meta_place(origin, META + ("profile",), kept)
    take_fields(reader, ("basics",), PROFILE_FIELDS, data, origin)
    mark_profiles(reader)
    settings = (meta or {}).get("settings")
    site = settings.get("base_url") if isinstance(settings, dict) else None
    address = reader.text(("basics", "url"))
    links = data.get("links")
    if address and (not isinstance(site, str) or to_uri(site) != address) and isinstance(links, (list, type(None))):
        # the person's own web address; careerfolio's export writes the site's address here
        data["links"] = [{"label": "Website", "url": address}] + (links or [])
    role = read_role(reader, meta, kept.get("role"), origin)
    if role:
        data["role"] = role
    photo = data.get("photo")
    if isinstance(photo, str):
        reader.read.add(("basics", "image"))  # the published copy of the same picture
        if check_asset(result.content_dir, photo, image=True) is not None:
            result.missing_files.append("the photo")
            del data["photo"]
    if data.get("name") is None:  # the one thing a record cannot do without
        where = ("basics",) if isinstance(reader.peek(("basics",)), dict) else ()
        result.problems.append(located(reader.source, where, "the resume has no name",
                                       'add "name": "Your Name" to "basics"'))
        return
    result.drafts.append(Draft("profile", data, origin))


def mark_profiles(reader: ResumeReader) -> None:
    """Note what of the profiles became links: a profile with no address became nothing, and a
    username is carried over only when the address holds it."""
    reader.read.discard(("basics", "profiles"))
    for place in reader.items(("basics", "profiles")):
        url = reader.peek(place + ("url",))
        if not (isinstance(url, str) and url.strip()):
            continue
        reader.read.update({place + ("network",), place + ("url",)})
        username = reader.peek(place + ("username",))
        if isinstance(username, str) and username.strip().casefold() in url.casefold():
            reader.read.add(place + ("username",))


def read_role(reader: ResumeReader, meta: dict | None, kept: Any, origin: Origin) -> dict | None:
    """The role held now: the work entry careerfolio wrote it as, else the current job.

    A job is current when it has no end date; the first such job is the role (JSON Resume
    lists the newest first).
    """
    kept = kept if isinstance(kept, dict) else {}
    if meta is not None:
        place = pointer_place(meta.get("work"))
        if place is None or not isinstance(reader.peek(place), dict):
            return kept or None
    else:
        place = next((job for job in reader.items(("work",))
                      if reader.peek(job + ("position",)) and not reader.peek(job + ("endDate",))), None)
        if place is None:
            return None
    role = take_fields(reader, place, ROLE_FIELDS, dict(kept), Origin(reader.source, place))
    origin.fields["role"] = place
    return role if role.get("title") else None


# --- projects: JSON Resume's projects, and jobs and volunteering as projects ------------


def convert_projects(reader: ResumeReader, meta: dict | None, claimed: dict, result: Conversion) -> dict:
    """Projects from meta and from the resume; return each project item's place → its id."""
    ids: dict[Location, str] = {}
    taken: set[str] = set()
    for index, kept in meta_list(meta, "projects"):
        place = pointer_place(kept.get("at"))
        if place is None or claimed.get(place) != META + ("projects", index):
            result.problems.append(located(reader.source, META + ("projects", index, "at"),
                                           "names no item of projects", 'write "at": "/projects/N"'))
            continue
        data = kept_of(kept)
        origin = Origin(reader.source, META + ("projects", index))
        meta_place(origin, META + ("projects", index), data)
        body = data.pop("body", "")
        identifier = data.pop("id", None)
        take_fields(reader, place, PROJECT_FIELDS, data, origin)
        draft = Draft("projects", data, origin, identifier if isinstance(identifier, str) else None,
                      body if isinstance(body, str) else "")
        result.drafts.append(draft)
        ids[place] = draft.id or ""
        taken.add(draft.id or "")
    for section, kind in (("projects", "project"), ("work", "job"), ("volunteer", "volunteering")):
        for place in reader.items((section,)):
            if place in claimed:
                continue
            draft = foreign_project(reader, place, kind, result)
            if draft is None:
                continue
            draft.id = unique(slugify(draft.data["title"]), taken)
            result.drafts.append(draft)
            ids[place] = draft.id
    return ids


def foreign_project(reader: ResumeReader, place: Location, kind: str, result: Conversion) -> Draft | None:
    """A project from a JSON Resume project, job or volunteering: its highlights become its achievements."""
    origin = Origin(reader.source, place)
    if kind == "project":
        data = take_fields(reader, place, PROJECT_FIELDS, {}, origin)
        kind_of = reader.text(place + ("type",))
        if kind_of:
            data["tags"] = [kind_of]
            origin.fields["tags"] = place + ("type",)
    else:
        organisation = reader.text(place + ("name" if kind == "job" else "organization",))
        position = reader.text(place + ("position",))
        data = {"title": organisation or position}
        origin.fields["title"] = place + ("name" if kind == "job" else "organization",)
        if organisation and position:
            data["role"] = position
            origin.fields["role"] = place + ("position",)
        description = reader.text(place + ("description",))
        if description:
            data["summary"] = description
            origin.fields["summary"] = place + ("description",)
        period = PERIOD.read((reader.date(place + ("startDate",)), reader.date(place + ("endDate",))))
        if period:
            data["period"] = period
            origin.fields["period"] = place
        url = reader.text(place + ("url",))
        if url:
            data["links"] = PROJECT_FIELDS[-1].read((url,))
            origin.fields["links"] = place + ("url",)
        if kind == "volunteering":
            data["tags"] = ["volunteer"]
    if not data.get("title"):
        key = "name" if kind != "volunteering" else "organization"
        result.problems.append(located(reader.source, place, f"this {kind} has no {key}",
                                       f'add "{key}": "…", which becomes the project\'s title'))
        return None
    data["status"] = "done" if reader.date(place + ("endDate",)) else "active"
    body = reader.text(place + ("summary",)) if kind != "project" else None
    return Draft("projects", data, origin, body=(body + "\n") if body else "")


def unique(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`…: the first that no other entry has; it is then taken."""
    identifier, counter = base, 2
    while identifier in taken:
        identifier, counter = f"{base}-{counter}", counter + 1
    taken.add(identifier)
    return identifier


# --- achievements: from meta, from highlights, awards and publications ------------------


def convert_achievements(reader: ResumeReader, meta: dict | None, claimed: dict, project_ids: dict,
                         result: Conversion) -> None:
    for index, kept in meta_list(meta, "achievements"):
        place = pointer_place(kept.get("at"))
        if place is not None:
            reader.read.add(place)  # the highlight that shows this achievement
        data = kept_of(kept)
        origin = Origin(reader.source, META + ("achievements", index))
        meta_place(origin, META + ("achievements", index), data)
        body = data.pop("body", "")
        identifier = data.pop("id", None)
        keep_present_evidence(data, result)
        result.drafts.append(Draft("achievements", data, origin,
                                   identifier if isinstance(identifier, str) else None,
                                   body if isinstance(body, str) else ""))
    holders = [(place, project_ids.get(place)) for section in ("projects", "work", "volunteer")
               for place in reader.items((section,))]
    for holder, project in holders:
        if holder not in project_ids and claimed.get(holder) != META + ("work",):
            continue  # a job without a name: its problem is already said
        for highlight in range(len(reader.peek(holder + ("highlights",)) or [])):
            place = holder + ("highlights", highlight)
            if place in reader.read:
                continue
            title = reader.text(place)
            if title is None:
                continue
            when = dated(reader, holder, result, "highlights")
            if not when:
                continue  # its problem is said once, at the item
            data = {"title": title, **when}
            if project:
                data["projects"] = [project]
            origin = Origin(reader.source, place, {"title": place, "projects": holder})
            result.drafts.append(Draft("achievements", data, origin))
    for place in reader.items(("awards",)):
        convert_award(reader, place, result)
    for place in reader.items(("publications",)):
        convert_publication(reader, place, result)


def dated(reader: ResumeReader, holder: Location, result: Conversion, what: str) -> dict:
    """An achievement's date from the job or project that holds it: its period, or its one day."""
    start, end = reader.date(holder + ("startDate",)), reader.date(holder + ("endDate",))
    if start is None and end is None:
        result.problems.append(located(reader.source, holder, f"the {what} here need a date to become "
                                       "achievements, and this item has none",
                                       'add "startDate" (and "endDate" once it ended)'))
        return {}
    if start is None or start == end:
        return {"date": end or start}
    return {"period": PERIOD.read((start, end))}


def convert_award(reader: ResumeReader, place: Location, result: Conversion) -> None:
    convert_dated_work(reader, place, result, "award", ("title", "awarder", "date"))


def convert_publication(reader: ResumeReader, place: Location, result: Conversion) -> None:
    convert_dated_work(reader, place, result, "publication", ("name", "publisher", "releaseDate"), "url")


def convert_dated_work(reader: ResumeReader, place: Location, result: Conversion, kind: str,
                       keys: tuple[str, str, str], url_key: str | None = None) -> None:
    """An award or a publication as an achievement: its title (with who gave or published it),
    its date, summary and link, tagged with its kind."""
    title_key, giver_key, date_key = keys
    title, giver = reader.text(place + (title_key,)), reader.text(place + (giver_key,))
    date = reader.date(place + (date_key,))
    url = reader.text(place + (url_key,)) if url_key else None
    if not title or not date:
        missing = title_key if not title else date_key
        result.problems.append(located(reader.source, place, f"this {kind} has no {missing}, which an "
                                       "achievement needs", f'add "{missing}"'))
        return
    data = {"title": f"{title} — {giver}" if giver else title, "date": date,
            "summary": reader.text(place + ("summary",)), "tags": [kind],
            "evidence": [{"title": title, "url": url}] if url else None}
    fields = {"title": place + (title_key,), "date": place + (date_key,), "summary": place + ("summary",)}
    if url_key:
        fields["evidence"] = place + (url_key,)
    result.drafts.append(Draft("achievements", without_none(data), Origin(reader.source, place, fields)))


def keep_present_evidence(data: dict, result: Conversion) -> None:
    """Evidence files travel beside a resume, not in it: keep those already in content/assets/."""
    evidence = data.get("evidence")
    if not isinstance(evidence, list):
        return
    kept = []
    for item in evidence:
        name = item.get("file") if isinstance(item, dict) else None
        if isinstance(name, str) and check_asset(result.content_dir, name) is not None:
            result.missing_files.append("an evidence file")
            continue
        kept.append(item)
    data["evidence"] = kept


# --- certificates, references and education -----------------------------------------


def convert_list(reader: ResumeReader, meta: dict | None, claimed: dict, result: Conversion, collection: str,
                 section: str, fields: tuple[Field, ...], foreign) -> None:
    """One list collection: entries careerfolio exported (with their meta), then the others."""
    for index, kept in meta_list(meta, collection):
        place = pointer_place(kept.get("at"))
        if place is None or claimed.get(place) != META + (collection, index) or place[:1] != (section,):
            result.problems.append(located(reader.source, META + (collection, index, "at"),
                                           f"names no item of {section}", f'write "at": "/{section}/N"'))
            continue
        data = kept_of(kept)
        origin = Origin(reader.source, META + (collection, index))
        meta_place(origin, META + (collection, index), data)
        identifier = data.pop("id", None)
        take_fields(reader, place, fields, data, origin)
        result.drafts.append(Draft(collection, data, origin, identifier if isinstance(identifier, str) else None))
    for place in reader.items((section,)):
        if place not in claimed:
            result.drafts.extend(foreign(reader, place, result))


def require(reader: ResumeReader, place: Location, key: str, noun: str, result: Conversion) -> str | None:
    """A text the record cannot do without; its absence is a problem at the item."""
    value = reader.text(place + (key,))
    if value is None:
        result.problems.append(located(reader.source, place, f"this {noun} has no {key}",
                                       f'add "{key}": "…", or remove the {noun}'))
    return value


def foreign_certification(reader: ResumeReader, place: Location, result: Conversion) -> list[Draft]:
    if require(reader, place, "name", "certificate", result) is None:
        return []
    origin = Origin(reader.source, place)
    return [Draft("certifications", take_fields(reader, place, CERTIFICATION_FIELDS, {}, origin), origin)]


def foreign_reference(reader: ResumeReader, place: Location, result: Conversion) -> list[Draft]:
    author = require(reader, place, "name", "reference", result)
    quote = require(reader, place, "reference", "reference", result)
    if author is None or quote is None:
        return []
    origin = Origin(reader.source, place)
    return [Draft("feedback", take_fields(reader, place, FEEDBACK_FIELDS, {}, origin), origin)]


def foreign_education(reader: ResumeReader, place: Location, result: Conversion) -> list[Draft]:
    """A degree or course as learning, titled by what was studied; each listed course too."""
    institution, area = reader.text(place + ("institution",)), reader.text(place + ("area",))
    study_type = reader.text(place + ("studyType",))
    start, end = reader.peek(place + ("startDate",)), reader.date(place + ("endDate",))
    if end is None or start == end:
        start = reader.date(place + ("startDate",))  # else the start has no place: learning has one date
    else:
        start = None
    title = " in ".join(part for part in (study_type, area) if part) or institution
    if not title:
        result.problems.append(located(reader.source, place, "this education has no area, studyType or "
                                       "institution", 'add "area": "…", or remove the entry'))
        return []
    origin = Origin(reader.source, place, {"title": place + ("area",), "provider": place + ("institution",),
                                           "date": place + ("endDate",), "url": place + ("url",)})
    kind = learning_kind(study_type) if study_type and study_type.casefold() in LEARNING_KINDS else "course"
    data = without_none({"title": title, "kind": kind, "provider": institution,
                         "date": end or start, "url": reader.text(place + ("url",))})
    drafts = [Draft("learning", data, origin)]
    for index, course in enumerate(reader.texts(place + ("courses",))):
        course_origin = Origin(reader.source, place + ("courses", index), {"title": place + ("courses", index)})
        drafts.append(Draft("learning", without_none({"title": course, "kind": "course", "provider": institution}),
                            course_origin))
    return drafts


# --- what only careerfolio knows: settings, the ladder, goals --------------------------


def convert_meta_only(reader: ResumeReader, meta: dict, result: Conversion) -> None:
    for name, collection in (("settings", "settings"), ("competencies", "competencies")):
        value = meta.get(name)
        if isinstance(value, dict) and value:
            origin = Origin(reader.source, META + (name,))
            meta_place(origin, META + (name,), value)
            result.drafts.append(Draft(collection, dict(value), origin))
    for index, goal in meta_list(meta, "goals"):
        origin = Origin(reader.source, META + ("goals", index))
        meta_place(origin, META + ("goals", index), goal)
        data = dict(goal)
        identifier = data.get("id")
        result.drafts.append(Draft("goals", data, origin, identifier if isinstance(identifier, str) else None))


def without_none(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None}


# ---------------------------------------------------------------------------------------
# Checking the drafts as the record would be checked


MODELS: dict[str, type[Model]] = {"profile": Profile, "competencies": Competencies, "settings": Settings,
                                  **COLLECTION_MODELS}


@dataclass(frozen=True)
class Checked:
    """A draft that passed the schema: its model, the id to give it, and its story."""

    collection: str
    model: Any
    id: str | None
    body: str


def check_drafts(conversion: Conversion) -> tuple[list[Checked], list[Problem]]:
    """Put every draft through the record's schema; then check ids and references across them."""
    problems = list(conversion.problems)
    checked = []
    for draft in conversion.drafts:
        if draft.id is not None and not is_valid_id(draft.id):
            problems.append(draft.origin.problem(("id",), f"the id '{draft.id}' cannot be used in a web address",
                                                 f"use letters, digits and dashes, e.g. '{slugify(draft.id)}'"))
            continue
        if draft.collection in COLLECTION_MODELS and draft.id is not None:
            draft.data.pop("id", None)  # the id is given by the file name, or written below
        model, found = validate_model(MODELS[draft.collection], draft.data, draft.origin)
        problems.extend(found)
        if model is not None:
            checked.append(Checked(draft.collection, model, draft.id, draft.body))
    problems.extend(check_ids(conversion.drafts))
    problems.extend(check_imported_references(conversion.drafts))
    return checked, problems


def check_ids(drafts: list[Draft]) -> list[Problem]:
    seen: dict[tuple[str, str], Draft] = {}
    problems = []
    for draft in drafts:
        if draft.id is None:
            continue
        if (draft.collection, draft.id) in seen:
            problems.append(draft.origin.problem(("id",), f"the id '{draft.id}' is already used by another "
                                                 f"{COLLECTIONS[draft.collection].noun}", "give each entry its own id"))
        seen[(draft.collection, draft.id)] = draft
    return problems


def check_imported_references(drafts: list[Draft]) -> list[Problem]:
    """Every id an imported entry names must be imported too, or check would fail afterwards."""
    known: dict[str, set] = {"projects": set(), "goals": set(), "competencies": set()}
    for draft in drafts:
        if draft.collection in ("projects", "goals") and draft.id:
            known[draft.collection].add(draft.id)
        ladder = draft.data.get("competencies") if draft.collection == "competencies" else None
        if isinstance(ladder, list):
            known["competencies"] = {c["id"] for c in ladder if isinstance(c, dict) and isinstance(c.get("id"), str)}
    problems = []
    for draft in drafts:
        if draft.collection not in COLLECTION_MODELS:
            continue
        for name, targets in known.items():
            values = draft.data.get(name)
            if not isinstance(values, list) or (name == "goals" and draft.collection == "goals"):
                continue
            for index, value in enumerate(values):
                if isinstance(value, str) and value not in targets:
                    noun = "competency" if name == "competencies" else name[:-1]
                    problems.append(draft.origin.problem((name, index), f"no {noun} has the id '{value}'",
                                                         f"known ids: {', '.join(sorted(targets)) or 'none'}"))
    return problems


# ---------------------------------------------------------------------------------------
# Writing the record


class RecordDumper(yaml.SafeDumper):
    """YAML as people write the record by hand: block style, lists indented under their key,
    stories as literal blocks, dates unquoted, every letter as itself."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


class YamlDate(str):
    """A date of the record, written unquoted as the record's own files write dates."""


def represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    if "\n" in text:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_str(text)


def represent_date(dumper: yaml.SafeDumper, text: YamlDate) -> yaml.Node:
    # the tag YAML itself reads the text as: no quotes are then needed (2025, 2025-03, 2025-03-14)
    return dumper.represent_scalar(dumper.resolve(yaml.ScalarNode, str(text), (True, False)), str(text))


def represent_list(dumper: yaml.SafeDumper, items: list) -> yaml.Node:
    # short lists of words on one line, as in `competencies: [execution, influence]`
    short = all(isinstance(item, str) and "\n" not in item for item in items) and sum(map(len, items)) < 60
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=short and bool(items))


RecordDumper.add_representer(str, represent_text)
RecordDumper.add_representer(list, represent_list)
RecordDumper.add_representer(YamlDate, represent_date)
DATE_KEYS = frozenset({"date", "deadline", "earned", "expires", "since", "until", "start", "end"})


def record_values(model: Any) -> Any:
    """A model as the values a record file holds: defaults left out, dates unquoted, 41 not 41.0."""
    return with_dates(plain_numbers(model.model_dump(mode="json", exclude_defaults=True)))


def with_dates(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {name: with_dates(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [with_dates(item) for item in value]
    if isinstance(value, str) and key in DATE_KEYS:
        return YamlDate(value)
    return value


def yaml_text(values: Any) -> str:
    return yaml.dump(values, Dumper=RecordDumper, allow_unicode=True, sort_keys=False, width=100)


def markdown_file(values: dict, body: str) -> str:
    return "---\n" + yaml_text(values) + "---\n" + body


def list_file(entries: list[dict]) -> str:
    """A YAML list, one blank line between entries, as people write them."""
    return "\n".join(yaml_text([entry]) for entry in entries)


def entry_stem(checked: Checked, taken: set[str]) -> str:
    """An achievement's or project's file name: its exported id, else dated (achievements) or
    named (projects) as `careerfolio new` names them."""
    if checked.id:
        return checked.id
    if checked.collection == "achievements":
        model = checked.model
        when = model.date or model.period.start
        month = f"{when.year:04d}-{when.month:02d}" if when.month else f"{when.year:04d}"
        return unique(f"{month}-{short_slug(model.title)}", taken)
    return unique(short_slug(checked.model.title), taken)


def record_files(checked: list[Checked], content: str) -> dict[str, str]:
    """The new record's files, relative to its folder, with their text."""
    files: dict[str, str] = {}
    by_collection: dict[str, list[Checked]] = {}
    for item in checked:
        by_collection.setdefault(item.collection, []).append(item)
    for single, name in (("settings", SETTINGS_FILE), ("profile", f"{content}/profile.yaml"),
                         ("competencies", f"{content}/competencies.yaml")):
        for item in by_collection.get(single, ()):
            values = record_values(item.model)
            if values:
                files[name] = yaml_text(values)
    for collection in ("achievements", "projects"):
        items = by_collection.get(collection, [])
        taken = {item.id for item in items if item.id}
        for item in items:
            stem = entry_stem(item, taken)
            values = record_values(item.model)
            values.pop("id", None)
            body = item.body if not item.body or item.body.endswith("\n") else item.body + "\n"
            files[f"{content}/{collection}/{stem}.md"] = markdown_file(values, body)
    for collection in ("certifications", "feedback", "learning", "goals"):
        entries = []
        for item in by_collection.get(collection, ()):
            values = record_values(item.model)
            title = values.get(COLLECTIONS[collection].title_key, "")
            if item.id and (collection == "goals" or item.id != slugify(str(title))):
                values = {"id": item.id, **{key: value for key, value in values.items() if key != "id"}}
            entries.append(values)
        if entries:
            files[f"{content}/{collection}.yaml"] = list_file(entries)
    return files


# ---------------------------------------------------------------------------------------
# The command


@dataclass(frozen=True)
class ImportResult:
    """What `import jsonresume` wrote, and what it could not carry over."""

    folder: Path
    written: tuple[Path, ...]
    counts: tuple[tuple[str, int], ...]  # (collection, entries) in the record's order
    not_carried: tuple[str, ...]
    missing_files: tuple[tuple[str, int], ...]  # ("an evidence file", 2), ("the photo", 1)


def read_resume(path: Path) -> SourceFile:
    """The resume file, parsed with positions; raise RecordProblems when it cannot be read."""
    if not path.is_file():
        raise UserError(f"there is no file {display_path(path)} — pass the path of a JSON Resume, e.g. resume.json")
    data = read_bytes(path)
    if data is not None and len(data) > MAX_FILE_BYTES:
        raise RecordProblems([Problem(path, 1, 1, f"the file is more than {MAX_FILE_BYTES // 1024 // 1024} MB, "
                                      "more than careerfolio reads", "no resume needs that much; check the file")])
    text, problems = decode(path, data)
    if text is None:
        raise RecordProblems(problems)
    source, problems = parse_json(path, text)
    if source is None or problems:
        raise RecordProblems(problems)
    return source


def import_resume(path: Path, folder: Path) -> ImportResult:
    """Read a JSON Resume and write it as a new record into `folder`.

    Raise RecordProblems with every problem of the resume, or UserError when a file it
    would write is already there; in both cases nothing is written.
    """
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{display_path(folder)} is a file — import into a folder with --into DIR")
    source = read_resume(path)
    problems = check_shape(source)
    if problems:
        raise RecordProblems(problems)
    content = content_folder(folder)
    conversion, reader = convert(source, folder / content)
    checked, problems = check_drafts(conversion)
    if problems:
        raise RecordProblems(problems)
    files = record_files(checked, content)
    refuse_existing(folder, files)
    written = []
    try:
        for relative, text in files.items():
            write_new_file(folder / relative, text)
            written.append(folder / relative)
    except OSError as error:  # a folder the user may not write to is theirs to fix
        done = f"; {count(len(written), 'file')} already written" if written else ""
        raise UserError(f"cannot write {display_path(Path(error.filename or folder))} ({error.strerror}){done} — "
                        "import into a folder you can write to, with --into DIR") from None
    counts = Counter(item.collection for item in checked)
    return ImportResult(folder, tuple(written),
                        tuple((name, counts[name]) for name in MODELS if counts[name]),
                        tuple(reader.unread()), tuple(Counter(conversion.missing_files).items()))


def content_folder(folder: Path) -> str:
    """Where the record's content goes: the folder's settings say, if it has any."""
    source, problems = load_settings(folder) if folder.is_dir() else (None, [])
    settings, found = validate_settings(source)
    if problems or found:
        raise RecordProblems(problems + found)
    return settings.content_dir


def refuse_existing(folder: Path, files: dict[str, str]) -> None:
    """Import writes a new record: if any file it would write (or its .yml twin) is there, it writes none."""
    existing = []
    for relative in files:
        path = folder / relative
        twins = [path.with_suffix(suffix) for suffix in YAML_SUFFIXES] if path.suffix in YAML_SUFFIXES else [path]
        existing.extend(display_path(twin) for twin in twins if twin.exists())
    if existing:
        shown = ", ".join(existing[:5]) + (" …" if len(existing) > 5 else "")
        raise UserError(f"{shown} already exists — import never overwrites; import into an empty folder "
                        "with --into DIR")


def describe_import(result: ImportResult, source: Path) -> list[str]:
    """The lines that tell the user what was imported and what was not."""
    nouns = {"settings": "settings", "profile": "profile", "competencies": "the ladder"}
    parts = [nouns[name] if name in nouns else count(number, COLLECTIONS[name].noun)
             for name, number in result.counts]
    lines = [(f"{display_path(source)} → {display_path(result.folder)}: {count(len(result.written), 'file')} "
             f"written ({', '.join(parts)})")]
    if result.not_carried:
        lines.append(f"not carried over: {', '.join(result.not_carried)} — careerfolio's record has no place "
                     "for them")
    if result.missing_files:
        missing = " and ".join([what if number == 1 else re.sub(r"^an? ", f"{number} ", what) + "s"
                                for what, number in result.missing_files])
        lines.append(f"left out: {missing}, which a resume does not carry — copy them into content/assets/ "
                     "and import again to keep them")
    return lines
