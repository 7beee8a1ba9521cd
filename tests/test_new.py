"""`careerfolio new`: every field stubbed, nothing overwritten, and check passes once filled."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import replace_placeholders, run_cli, write_record
from hypothesis import given
from hypothesis import strategies as st

from generator.load import RecordLoader
from generator.scaffold import yaml_scalar

FILLED = {
    "achievement": {"summary": "Remote caching for every team.",
                    "impact": "[{metric: CI build time, before: 41, after: 15, unit: min}]",
                    "competencies": "[execution, technical-quality]",
                    "evidence": '[{title: Dashboard, url: "https://example.com/ci"}]'},
    "project": {"role": "Tech lead", "summary": "One build system for every team."},
    "goal": {"measure": "Regions serving builds", "target": "3", "deadline": "2026-06-30"},
    "feedback": {"author": "Sam Lee", "source": "H2 2025 review"},
    "certification": {"issuer": "CNCF", "url": "https://example.com/cert"},
    "learning": {"provider": "Example Academy", "hours": "6", "url": "https://example.com/course"},
}
BEFORE_FILLING = {  # what check says about each new entry as it was written
    "achievement": {"CF101", "CF104", "CF107"},
    "project": set(),
    "goal": {"CF111", "CF112", "CF113"},
    "feedback": {"error"},
    "certification": set(),
    "learning": set(),
}


@pytest.fixture
def record(tmp_path) -> Path:
    assert run_cli("init", tmp_path / "mine").status == 0
    replace_placeholders(tmp_path / "mine")
    return tmp_path / "mine"


def findings_in(root: Path, path: Path, first_line: int) -> list[dict]:
    """What check says about the lines of `path` from `first_line` on (run from `root`)."""
    result = run_cli("check", "-C", root, "--format", "json")
    found = [json.loads(line) for line in result.stdout.splitlines()]
    return [f for f in found if Path(f["file"]).resolve() == path.resolve() and f["line"] >= first_line]


@pytest.mark.parametrize("kind", list(FILLED))
def test_a_new_entry_passes_check_once_its_placeholders_are_filled(record, kind, monkeypatch):
    monkeypatch.chdir(record)
    lists = {p: p.read_text(encoding="utf-8") for p in (record / "content").glob("*.yaml")}
    result = run_cli("new", kind, "Cut CI build time by 63%")
    assert result.status == 0, result.stderr
    path = (record / result.stdout.strip()).resolve()
    assert path.is_file()
    before = lists.get(path, "")
    assert path.read_text(encoding="utf-8").startswith(before)  # appended: comments and layout kept
    first_line = before.count("\n") + 1
    if kind in ("achievement", "project"):  # a draft until written; advice is for what will be published
        assert "draft: true" in result.stderr.replace("(draft: true)", "draft: true")
        assert findings_in(record, path, first_line) == []
        text = path.read_text(encoding="utf-8")
        assert text.count("draft: true") == 1
        path.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")

    found = findings_in(record, path, first_line)
    assert {f["rule"] or f["severity"] for f in found} == BEFORE_FILLING[kind]
    if kind == "feedback":  # the one required field new cannot guess
        assert [(f["message"], f["hint"]) for f in found] == [("'author' has no value", "write one after `author:`")]

    text = path.read_text(encoding="utf-8")
    head, tail = text[:len(before)], text[len(before):]
    for key, value in FILLED[kind].items():
        tail, replaced = re.subn(rf"^(\s*(?:- )?{key}:).*$", rf"\g<1> {value}", tail, count=1, flags=re.MULTILINE)
        assert replaced == 1, key
    path.write_text(head + tail, encoding="utf-8")
    assert findings_in(record, path, first_line) == []
    assert run_cli("check", "-C", record).status == 0
    assert run_cli("build", "-C", record, "--no-pdf").status == 0


def test_an_achievement_is_dated_and_named_from_its_title(record):
    result = run_cli("new", "-C", record, "achievement", "Cut build time by 63%")
    assert result.status == 0
    path = record / "content" / "achievements" / "2026-01-cut-build-time-by-63.md"  # SOURCE_DATE_EPOCH
    assert path.resolve() == Path(result.stdout.strip()).resolve()
    front = yaml.load(path.read_text(encoding="utf-8").split("---")[1], Loader=RecordLoader)
    assert front["title"] == "Cut build time by 63%" and front["date"] == "2026-01-15"
    text = path.read_text(encoding="utf-8")
    assert "ids from competencies.yaml: execution, technical-quality, collaboration" in text
    assert "ids from projects: reporting" in text


def test_new_never_overwrites(record):
    assert run_cli("new", "-C", record, "project", "Build platform").status == 0
    path = record / "content" / "projects" / "build-platform.md"
    path.write_text("---\ntitle: Mine\n---\nMy words.\n", encoding="utf-8")
    again = run_cli("new", "-C", record, "project", "Build platform")
    assert again.status == 1 and "already exists — new never overwrites" in again.stderr
    assert path.read_text(encoding="utf-8") == "---\ntitle: Mine\n---\nMy words.\n"
    assert run_cli("new", "-C", record, "goal", "Ship it").status == 0
    goals = (record / "content" / "goals.yaml").read_text(encoding="utf-8")
    taken = run_cli("new", "-C", record, "goal", "Ship it")
    assert taken.status == 1 and "already has a goal with the id 'ship-it'" in taken.stderr
    assert (record / "content" / "goals.yaml").read_text(encoding="utf-8") == goals


def test_a_folder_collection_gets_a_new_file(tmp_path):
    root = write_record(tmp_path, {"content/profile.yaml": "name: Ada\n",
                                   "content/goals/regions.yaml": "title: Regions\n"})
    result = run_cli("new", "-C", root, "goal", "Mentor two engineers")
    assert result.status == 0
    assert (root / "content" / "goals" / "mentor-two-engineers.yaml").is_file()
    assert run_cli("check", "-C", root).status == 0


def test_a_list_file_new_cannot_extend_is_left_alone(tmp_path):
    root = write_record(tmp_path, {"content/profile.yaml": "name: Ada\n",
                                   "content/learning.yaml": "[{title: A book}]\n"})
    result = run_cli("new", "-C", root, "learning", "Another book")
    assert result.status == 1 and "is not a list of '- ' entries" in result.stderr
    assert (root / "content" / "learning.yaml").read_text(encoding="utf-8") == "[{title: A book}]\n"


def test_a_missing_list_file_is_created(tmp_path):
    root = write_record(tmp_path, {"content/profile.yaml": "name: Ada\n"})
    assert run_cli("new", "-C", root, "certification", "CKA").status == 0
    data = yaml.load((root / "content" / "certifications.yaml").read_text(encoding="utf-8"), Loader=RecordLoader)
    assert data[0]["name"] == "CKA"


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
       .filter(lambda s: s.strip() == s))
def test_any_title_is_written_as_yaml_that_reads_back_the_same(title):
    assert yaml.load(f"title: {yaml_scalar(title)}", Loader=RecordLoader) == {"title": title}


def test_the_command_line_offers_every_kind():
    from generator.cli import make_parser
    from generator.scaffold import KINDS

    commands = next(a for a in make_parser()._actions if a.dest == "command")
    kind = next(a for a in commands.choices["new"]._actions if a.dest == "kind")
    assert tuple(kind.choices) == tuple(KINDS)


def test_titles_in_any_script_get_a_file_each(record):
    first = run_cli("new", "-C", record, "achievement", "ビルド時間の短縮")
    second = run_cli("new", "-C", record, "achievement", "デプロイの自動化")
    assert first.status == second.status == 0
    assert [Path(r.stdout.strip()).name for r in (first, second)] == ["2026-01-entry.md", "2026-01-entry-2.md"]
    front = yaml.load(Path(second.stdout.strip()).read_text(encoding="utf-8").split("---")[1], Loader=RecordLoader)
    assert front["title"] == "デプロイの自動化"
    assert run_cli("check", "-C", record).status == 0
