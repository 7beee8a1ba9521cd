"""JSON Schemas of the record's files, from the pydantic models, for editors and other tools.

An editor with the YAML language server (VS Code, Neovim, Helix, JetBrains IDEs) completes
keys, shows each field's description and example, and underlines a typo while the user
types, before `careerfolio check` runs. The schemas come from the same models that
validate the record, so the two cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.model import (
    Achievement,
    Certification,
    Competencies,
    Feedback,
    Goal,
    Learning,
    Model,
    Profile,
    Project,
    Settings,
)
from generator.problems import UserError

SCHEMA_FOLDER = "schema"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
SIGNATURE = "Written by `careerfolio schema` from its models; run it again after upgrading careerfolio."
URL_FIELDS = {"url", "base_url"}


@dataclass(frozen=True)
class SchemaFile:
    """One schema file and the files of a record it describes."""

    name: str
    title: str
    model: type[Model]
    many: bool  # the file holds a YAML list of the model
    patterns: tuple[str, ...]  # relative to the record's root; {content} is the content folder

    def globs(self, content_dir: str) -> list[str]:
        return [pattern.format(content=content_dir) for pattern in self.patterns]


def _item_and_list(singular: str, plural: str, model: type[Model], what: str) -> tuple[SchemaFile, ...]:
    return (
        SchemaFile(f"{plural}.schema.json", f"{plural}.yaml: {what}", model, True,
                   (f"{{content}}/{plural}.yaml", f"{{content}}/{plural}.yml")),
        SchemaFile(f"{singular}.schema.json", f"One item of {plural}/, a folder of one file per item",
                   model, False, (f"{{content}}/{plural}/*.yaml", f"{{content}}/{plural}/*.yml")),
    )


SCHEMA_FILES: tuple[SchemaFile, ...] = (
    SchemaFile("careerfolio.schema.json", "careerfolio.yaml: the settings of a careerfolio record",
               Settings, False, ("careerfolio.yaml",)),
    SchemaFile("profile.schema.json", "profile.yaml: who you are, the role you hold and the one you ask for",
               Profile, False, ("{content}/profile.yaml", "{content}/profile.yml")),
    SchemaFile("competencies.schema.json", "competencies.yaml: the rubric of the level targeted",
               Competencies, False, ("{content}/competencies.yaml", "{content}/competencies.yml")),
    SchemaFile("achievement.schema.json",
               "An achievement: the front matter of achievements/*.md, or achievements/*.yaml",
               Achievement, False, ("{content}/achievements/*.yaml", "{content}/achievements/*.yml")),
    SchemaFile("project.schema.json", "A project: the front matter of projects/*.md, or projects/*.yaml",
               Project, False, ("{content}/projects/*.yaml", "{content}/projects/*.yml")),
    *_item_and_list("certification", "certifications", Certification, "certifications you hold"),
    *_item_and_list("goal", "goals", Goal, "SMART goals: the plan"),
    *_item_and_list("feedback-item", "feedback", Feedback, "what managers, peers, reports and customers say"),
    *_item_and_list("learning-item", "learning", Learning, "courses, workshops, books, conferences, mentoring"),
)


def generate_schema(schema_file: SchemaFile) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of file."""
    generated = schema_file.model.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    definitions = generated.pop("$defs", {})
    definitions = {name: _with_formats(definition) for name, definition in definitions.items()}
    generated = _with_formats(generated)
    document: dict[str, Any] = {
        "$schema": DIALECT,
        "$comment": SIGNATURE,
        "title": schema_file.title,
    }
    if schema_file.many:
        name = schema_file.model.__name__
        definitions[name] = generated
        document.update({"type": "array", "items": {"$ref": f"#/$defs/{name}"}})
    else:
        generated.pop("title", None)
        document.update(generated)
    if definitions:
        document["$defs"] = dict(sorted(definitions.items()))
    return document


def _with_formats(schema: dict[str, Any]) -> dict[str, Any]:
    """Let validators check links and addresses as the models do."""
    for name, field in schema.get("properties", {}).items():
        target = next((option for option in field.get("anyOf", []) if option.get("type") == "string"), field)
        if target.get("type") != "string":
            continue
        if name in URL_FIELDS:
            target["format"] = "uri-reference"
        elif name == "email":
            target["format"] = "email"
    return schema


def schema_documents() -> dict[str, str]:
    """Every schema file's name and its exact text, as written and as tests compare it."""
    return {item.name: json.dumps(generate_schema(item), indent=2, ensure_ascii=False) + "\n"
            for item in SCHEMA_FILES}


def editor_settings(content_dir: str = "content") -> dict[str, Any]:
    """The `.vscode/settings.json` mapping that points the YAML language server at the schemas."""
    mapping = {f"./{SCHEMA_FOLDER}/{item.name}": item.globs(content_dir) for item in SCHEMA_FILES}
    return {"yaml.schemas": mapping}


def stale_schema_files(folder: Path) -> list[str]:
    """The schema files in `folder` that are missing or differ from what this version writes."""
    return [name for name, text in schema_documents().items()
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text]


def write_schema(folder: Path) -> list[Path]:
    """Write every schema file; only files we wrote before are replaced, never the user's."""
    documents = schema_documents()
    foreign = [name for name in documents
               if (folder / name).exists() and SIGNATURE not in _read_text(folder / name)]
    if foreign:
        raise UserError(f"{folder / foreign[0]} was not written by careerfolio, so it is left alone — "
                        "move it away, or write the schemas elsewhere with --out DIR")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in stale_schema_files(folder):
        (folder / name).write_text(documents[name], encoding="utf-8", newline="\n")
        written.append(folder / name)
    return written


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
