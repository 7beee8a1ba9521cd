"""`careerfolio schema`: current, complete, and in agreement with the models and the sample."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import PROJECT, run_cli, write_record

from generator.load import RecordLoader
from generator.schema import (
    SCHEMA_FILES,
    SIGNATURE,
    editor_settings,
    generate_schema,
    schema_documents,
)

FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def validator_for(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((PROJECT / "schema" / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)


def read_values(path: Path):
    """A file's YAML, or a Markdown file's front matter, as careerfolio reads it."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        text = text.split("---", 2)[1]
    return yaml.load(text, Loader=RecordLoader)


def test_the_committed_schemas_are_current():
    result = run_cli("schema", "-C", PROJECT, "--check")
    assert result.status == 0, result.stdout
    committed = {p.name for p in (PROJECT / "schema").glob("*.json")}
    assert committed == set(schema_documents())


def properties_of(schema: dict, where: str = ""):
    for name, value in schema.get("properties", {}).items():
        yield f"{where}.{name}", value
    for name, definition in schema.get("$defs", {}).items():
        yield from properties_of(definition, name)


@pytest.mark.parametrize("schema_file", SCHEMA_FILES, ids=lambda f: f.name)
def test_every_field_has_a_description_and_an_example(schema_file):
    document = generate_schema(schema_file)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    fields = list(properties_of(document))
    assert fields
    for where, field in fields:
        assert field.get("description"), f"{schema_file.name}: {where} has no description"
        assert field.get("examples"), f"{schema_file.name}: {where} has no example"
        for example in field["examples"]:
            assert jsonschema.Draft202012Validator(
                {**field, "$defs": document.get("$defs", {})}, format_checker=FORMATS).is_valid(example), where


def sample_files(schema_file) -> list[Path]:
    patterns = schema_file.globs("content")
    if schema_file.name in ("achievement.schema.json", "project.schema.json"):
        patterns += [p.replace("*.yaml", "*.md") for p in patterns if p.endswith("*.yaml")]
    return sorted(path for pattern in patterns for path in PROJECT.glob(pattern))


def test_the_sample_record_validates_against_the_schemas():
    checked = 0
    for schema_file in SCHEMA_FILES:
        validator = validator_for(schema_file.name)
        for path in sample_files(schema_file):
            errors = [f"{path.name}: {list(e.absolute_path)} {e.message}"
                      for e in validator.iter_errors(read_values(path))]
            assert errors == []
            checked += 1
    assert checked >= 15  # every list file, the profile, settings, each achievement and project


@pytest.mark.parametrize(("name", "values", "wrong"), [
    ("goals.schema.json", [{"title": "Regions", "stauts": "done"}], "stauts"),
    ("goals.schema.json", [{"title": "Regions", "progress": 140}], "140"),
    ("achievement.schema.json", {"title": "Faster CI", "date": "2025/03/14"}, "2025/03/14"),
    ("profile.schema.json", {"name": "Ada", "email": "not an address"}, "email"),
    ("profile.schema.json", {"name": "Ada", "links": [{"label": "Site", "url": "https://exa mple.com"}]}, "uri"),
    ("careerfolio.schema.json", {"check": {"ignore": ["CF999"]}}, "CF999"),
    ("feedback.schema.json", [{"quote": "Great", "author": "Sam", "relation": "boss"}], "boss"),
])
def test_the_schemas_reject_what_the_models_reject(name, values, wrong):
    errors = list(validator_for(name).iter_errors(values))
    assert errors and any(wrong in e.message or wrong in str(e.schema) for e in errors)


def test_schema_writes_only_its_own_files(tmp_path):
    folder = tmp_path / "schema"
    first = run_cli("schema", "-C", tmp_path)
    assert first.status == 0 and f"{len(SCHEMA_FILES)} schemas written" in first.stdout
    assert all(SIGNATURE in p.read_text(encoding="utf-8") for p in folder.iterdir())
    (folder / "goals.schema.json").write_text("{}", encoding="utf-8")
    stale = run_cli("schema", "-C", tmp_path, "--check")
    assert stale.status == 1 and "goals.schema.json: missing or out of date" in stale.stdout
    mine = '{"title": "my own schema"}'
    (folder / "goals.schema.json").write_text(mine, encoding="utf-8")
    refused = run_cli("schema", "-C", tmp_path)
    assert refused.status == 1 and "was not written by careerfolio" in refused.stderr
    assert (folder / "goals.schema.json").read_text(encoding="utf-8") == mine


def test_init_wires_the_schemas_up_for_editors(tmp_path):
    assert run_cli("init", tmp_path / "mine").status == 0
    root = tmp_path / "mine"
    assert run_cli("schema", "-C", root, "--check").status == 0
    settings = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings == editor_settings()
    mapped = {path.relative_to(root).as_posix()
              for schema, patterns in settings["yaml.schemas"].items()
              for pattern in patterns for path in root.glob(pattern)}
    yaml_files = {p.relative_to(root).as_posix() for p in root.rglob("*.yaml")}
    assert yaml_files and yaml_files <= mapped
    for path in root.rglob("*.yaml"):
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# yaml-language-server: $schema=")
        target = (path.parent / first_line.split("=", 1)[1]).resolve()
        assert target.is_file() and target.parent == (root / "schema").resolve()


def test_a_written_schema_matches_what_the_user_writes(tmp_path):
    root = write_record(tmp_path, {"content/goals/regions.yaml": "title: Regions\nmeasure: Regions live\n"})
    (goal_schema,) = [f for f in SCHEMA_FILES if "content/goals/*.yaml" in f.globs("content")[0]]
    validator = jsonschema.Draft202012Validator(generate_schema(goal_schema), format_checker=FORMATS)
    assert validator.is_valid(read_values(root / "content" / "goals" / "regions.yaml"))
