"""`careerfolio new`: start an entry with every field in place and a word on each.

People record an achievement when it is fresh, in a minute between meetings; a file
with every key already written, and the record's own competency and project ids in the
comments, is the difference between writing it down now and never. Nothing the user
wrote is ever overwritten: Markdown entries are new files, list entries are appended as
text so the file's comments and layout stay as they were.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.load import RawItem, RecordLoader, load_collection, read_yaml_file
from generator.problems import UserError, display_path
from generator.vocabulary import YAML_SUFFIXES, slugify

MAX_SLUG_LENGTH = 60
STORY_COMMENT = ("# The story goes below the closing --- line, in Markdown; or in STAR form here:\n"
                 "# star: {situation: …, task: …, action: …, result: …}\n")
COMMENT_COLUMN = 30


@dataclass(frozen=True)
class Kind:
    """One kind of entry `new` can start: where it goes and the lines it starts with."""

    name: str
    collection: str
    title_key: str
    lines: tuple[tuple[str, str, str], ...]  # key, value, comment; {placeholders} in value and comment
    markdown: bool = False
    explicit_id: bool = False


VISIBILITY = ("visibility", "public", "public | internal | private")
COMPETENCIES = ("competencies", "[]", "{competencies}")
FEATURED = ("featured", "false", "true: on the home page, first in lists")
# a new entry has no story yet: it stays out of every build until it is written
DRAFT = ("draft", "true", "left out of builds until written: set false to publish")


KINDS = {kind.name: kind for kind in (
    Kind("achievement", "achievements", "title", (
        ("date", "{today}", "when; for longer work: period: {{start: YYYY-MM, end: YYYY-MM}}"),
        ("summary", "", "one line for lists and the dossier"),
        ("impact", "[]", "numbers: [{{metric: Build time, before: 41, after: 15, unit: min}}]"),
        COMPETENCIES,
        ("projects", "[]", "{projects}"),
        ("goals", "[]", "{goals}"),
        ("tags", "[]", "free words, e.g. [ci, cost]"),
        ("collaborators", "[]", "teams or people beyond your own"),
        ("evidence", "[]", "[{{title: Design doc, url: \"https://…\"}}] or file: assets/…"),
        VISIBILITY,
        FEATURED,
        DRAFT,
    ), markdown=True),
    Kind("project", "projects", "title", (
        ("role", "", "your part in it, e.g. Tech lead"),
        ("period", "{{start: {month}}}", "add end: YYYY-MM when it is over"),
        ("status", "active", "active | done | paused"),
        ("summary", "", "one line for lists"),
        ("skills", "[]", "technologies and skills, e.g. [Bazel, Go]"),
        ("links", "[]", "[{{label: Repository, url: \"https://…\"}}]"),
        ("tags", "[]", "free words, e.g. [ci]"),
        VISIBILITY,
        FEATURED,
        DRAFT,
    ), markdown=True),
    Kind("goal", "goals", "title", (
        ("measure", "", "how you will know it is done"),
        ("target", "", "the number or state to reach"),
        ("deadline", "", "when it is due: YYYY-MM-DD"),
        ("status", "planned", "planned | in-progress | done | dropped"),
        ("progress", "0", "percent done, 0 to 100"),
        COMPETENCIES,
        VISIBILITY,
    ), explicit_id=True),
    Kind("feedback", "feedback", "quote", (
        ("author", "", "who said it (required)"),
        ("role", "", "their role, e.g. Engineering Manager"),
        ("relation", "other", "manager | peer | report | customer | other"),
        ("date", "{today}", "when it was said"),
        ("source", "", "where: a review cycle, an email, a talk"),
        COMPETENCIES,
        VISIBILITY,
    )),
    Kind("certification", "certifications", "name", (
        ("issuer", "", "who issued it"),
        ("earned", "{today}", "when you earned it"),
        ("expires", "", "when it expires; leave empty if it does not"),
        ("credential_id", "", "the credential's number"),
        ("url", "", "where it can be verified: https://…"),
        COMPETENCIES,
        VISIBILITY,
    )),
    Kind("learning", "learning", "title", (
        ("kind", "course", "course | workshop | book | conference | talk | mentoring | other"),
        ("provider", "", "who gave it or wrote it"),
        ("date", "{today}", "when"),
        ("hours", "", "time spent, in hours"),
        ("url", "", "a link to it: https://…"),
        COMPETENCIES,
        VISIBILITY,
    )),
)}


def create_entry(content_dir: Path, kind_name: str, title: str, today: dt.date) -> Path:
    """Write a new entry of `kind_name`; return the file written or appended to."""
    kind = KINDS[kind_name]
    title = title.strip()
    if not title:
        raise UserError(f"the {kind.name} needs a {kind.title_key} — "
                        f"e.g. careerfolio new {kind.name} \"Cut build time by 63%\"")
    slug = short_slug(title)
    referable = {collection: load_collection(content_dir, collection)[0]
                 for collection in ("projects", "goals")}
    values = {"today": today.isoformat(), "month": f"{today:%Y-%m}",
              **reference_hints(content_dir, referable)}
    if kind.markdown:
        stem = f"{today:%Y-%m}-{slug}" if kind.name == "achievement" else slug
        path = content_dir / kind.collection / f"{stem}.md"
        if not re.search(r"[A-Za-z0-9]", unicodedata.normalize("NFKD", title)):
            # a title in a script slugs cannot spell ("entry"): number the files instead
            counter = 2
            while path.exists():
                path, counter = content_dir / kind.collection / f"{stem}-{counter}.md", counter + 1
        text = "---\n" + entry_lines(kind, title, values) + STORY_COMMENT + "---\n"
        write_new_file(path, text)
        return path
    if kind.explicit_id:  # goals, which achievements name by id
        check_id_is_free(referable[kind.collection], kind, slug)
    list_file = next((content_dir / f"{kind.collection}{suffix}" for suffix in YAML_SUFFIXES
                      if (content_dir / f"{kind.collection}{suffix}").is_file()), None)
    folder = content_dir / kind.collection
    if list_file is None and folder.is_dir():
        path = folder / f"{slug}.yaml"
        write_new_file(path, entry_lines(kind, title, values))
        return path
    path = list_file or content_dir / f"{kind.collection}.yaml"
    item = indent_as_list_item(entry_lines(kind, title, values, explicit_id=slug if kind.explicit_id else None))
    append_to_list(path, item)
    return path


def short_slug(title: str) -> str:
    """A file name's worth of the title, cut at a word."""
    slug = slugify(title)
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0]
    return slug


def entry_lines(kind: Kind, title: str, values: dict[str, str], explicit_id: str | None = None) -> str:
    rows = [("id", explicit_id, "how other entries name this one")] if explicit_id else []
    rows.append((kind.title_key, yaml_scalar(title), ""))
    rows.extend((key, value.format(**values), comment.format(**values)) for key, value, comment in kind.lines)
    lines = []
    for key, value, comment in rows:
        line = f"{key}: {value}" if value else f"{key}:"
        if comment:
            line = f"{line.ljust(COMMENT_COLUMN - 2)}  # {comment}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def yaml_scalar(text: str) -> str:
    """The text as YAML writes it: plain when YAML reads it back unchanged, else quoted."""
    try:
        if yaml.load(f"key: {text}", Loader=RecordLoader) == {"key": text} and " #" not in text:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def indent_as_list_item(lines: str) -> str:
    rows = lines.splitlines()
    return "\n".join(["- " + rows[0]] + ["  " + row for row in rows[1:]]) + "\n"


def reference_hints(content_dir: Path, referable: dict[str, list[RawItem]]) -> dict[str, str]:
    """Comments that name the ids the user can reference, read from the record itself."""
    competencies = []
    path = next((content_dir / f"competencies{suffix}" for suffix in YAML_SUFFIXES
                 if (content_dir / f"competencies{suffix}").is_file()), None)
    source, _ = read_yaml_file(path) if path else (None, [])
    if source is not None and isinstance(source.data, dict):
        for item in source.data.get("competencies") or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                competencies.append(item["id"])
    hints = {"competencies": listed("ids from competencies.yaml", competencies)}
    for collection, items in referable.items():
        hints[collection] = listed(f"ids from {collection}", [i for i in (item.expected_id() for item in items) if i])
    return hints


def listed(what: str, ids: list[str], limit: int = 6) -> str:
    if not ids:
        return what
    shown = ", ".join(ids[:limit]) + (", …" if len(ids) > limit else "")
    return f"{what}: {shown}"


def check_id_is_free(items: list[RawItem], kind: Kind, identifier: str) -> None:
    for item in items:
        if item.expected_id() == identifier:
            spot = item.position()
            raise UserError(f"{display_path(item.source.path)}:{spot.line} already has a {kind.name} "
                            f"with the id '{identifier}' — give another title, or edit that one")


def append_to_list(path: Path, item: str) -> None:
    """Append an item to a YAML list as text, after checking the result is still that list."""
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    # a blank line between entries, as people write them
    if not before.strip() or before.endswith("\n\n"):
        separator = ""
    else:
        separator = "\n" if before.endswith("\n") else "\n\n"
    text = before + separator + item
    try:
        old = yaml.load(before, Loader=RecordLoader) if before.strip() else []
        new = yaml.load(text, Loader=RecordLoader)
    except yaml.YAMLError:
        old, new = None, None
    if not (isinstance(old, (list, type(None))) and isinstance(new, list)
            and len(new) == len(old or []) + 1):
        raise UserError(f"{display_path(path)} is not a list of '- ' entries that new can add to — "
                        "run `careerfolio check` to see what is wrong with it, or add the entry by hand")
    with path.open("a", encoding="utf-8", newline="\n") as stream:
        stream.write(text[len(before):])


def write_new_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as stream:  # "x": never overwrite
            stream.write(text)
    except FileExistsError:
        raise UserError(f"{display_path(path)} already exists — new never overwrites; "
                        "give another title, or edit that file") from None
