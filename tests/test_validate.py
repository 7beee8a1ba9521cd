"""Validation rewords every schema error into `path:line:col: message — hint` and checks references."""

import pytest
import yaml
from conftest import FIXTURES, write_record

from generator.model import PartialDate
from generator.problems import RecordProblems
from generator.validate import read_record


def invalid_cases():
    for folder in sorted(path for path in (FIXTURES / "invalid").iterdir() if path.is_dir()):
        yield pytest.param(folder, id=folder.name)


@pytest.mark.parametrize("folder", list(invalid_cases()))
def test_invalid_record_reports_exactly_the_expected_problems(folder, monkeypatch):
    """Each invalid fixture keeps its expected problems as data, in expected.yaml."""
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    monkeypatch.chdir(folder)
    with pytest.raises(RecordProblems) as raised:
        read_record(folder / "record")
    described = [p.describe(folder / "record") for p in raised.value.problems]
    assert described == expected


def test_every_problem_in_the_record_is_reported_in_one_run():
    with pytest.raises(RecordProblems) as raised:
        read_record(FIXTURES / "invalid" / "many-problems" / "record")
    files = {p.path.name for p in raised.value.problems}
    assert {"a.md", "b.md", "goals.yaml", "profile.yaml"} <= files


@pytest.mark.parametrize("text, expected", [
    ("2025", PartialDate(2025)), ("2025-03", PartialDate(2025, 3)),
    ("2025-03-14", PartialDate(2025, 3, 14)), (2024, PartialDate(2024)),
])
def test_dates_keep_the_precision_they_were_written_with(text, expected):
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize("text, words", [
    ("2025-02-30", "has no day 30"), ("2025-00", "no month 0"), ("March 2025", "not a date"),
    ("25-03-01", "not a date"),
])
def test_impossible_dates_are_refused_with_a_reason(text, words):
    with pytest.raises(ValueError, match=words):
        PartialDate.parse(text)


def test_a_partial_date_spans_its_whole_month_or_year():
    assert PartialDate(2024, 2).last_day.day == 29
    assert PartialDate(2025).first_day.isoformat() == "2025-01-01"


def test_ids_come_from_the_id_key_then_the_file_name_then_the_title(tmp_path):
    write_record(tmp_path, {
        "content/profile.yaml": "name: A\n",
        "content/achievements/from-file.md": "---\ntitle: X\ndate: 2025\n---\n",
        "content/achievements/other.md": "---\nid: given\ntitle: Y\ndate: 2025\n---\n",
        "content/goals.yaml": "- title: Ship the Thing!\n- title: Ship the thing\n",
    })
    record = read_record(tmp_path)
    assert [e.id for e in record.collection("achievements")] == ["from-file", "given"]
    assert [e.id for e in record.collection("goals")] == ["ship-the-thing", "ship-the-thing-2"]


def test_a_record_with_only_a_profile_is_valid(tmp_path):
    write_record(tmp_path, {"content/profile.yaml": "name: Only Me\n"})
    record = read_record(tmp_path)
    assert record.profile.name == "Only Me"
    assert all(not entries for entries in record.entries.values())


def test_a_repeated_id_points_at_the_first_one_for_competencies_and_entries_alike(tmp_path):
    write_record(tmp_path, {
        "content/profile.yaml": "name: A\n",
        "content/competencies.yaml": "competencies:\n  - {id: lead, name: Lead}\n  - {id: lead, name: Again}\n",
        "content/learning.yaml": "- {id: book, title: One}\n- {id: book, title: Two, hours: -1}\n",
    })
    with pytest.raises(RecordProblems) as raised:
        read_record(tmp_path)
    described = [p.describe(tmp_path) for p in raised.value.problems]
    assert described == [
        ("content/competencies.yaml:3:10: the id 'lead' is already used by another competency "
        "(competencies.yaml:2) — give each entry its own id"),
        ("content/learning.yaml:2:8: the id 'book' is already used by another learning entry "
        "(learning.yaml:1) — give each entry its own id"),
        "content/learning.yaml:2:33: hours is -1, out of range — it must be at least 0",
    ]


def test_a_record_parsed_on_two_cores_reads_and_fails_as_on_one(sample_record, monkeypatch):
    """Above PARALLEL_FILES files, a forked child parses some of them: the same record, the
    same problems in the same order."""
    from conftest import run_cli

    import generator.parallel
    import generator.pipeline

    achievements = sorted((sample_record / "content" / "achievements").glob("*.md"))
    for path in achievements[:3]:  # problems in both halves of the files
        path.write_text(path.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    one_core = run_cli("check", "-C", sample_record)
    monkeypatch.setattr(generator.pipeline, "PARALLEL_FILES", 2)
    monkeypatch.setattr(generator.parallel, "can_fork", lambda: True)
    two_cores = run_cli("check", "-C", sample_record)
    assert one_core.status == two_cores.status == 1
    assert one_core.stdout.count("unknown key 'titel'") == 3
    assert (two_cores.stdout, two_cores.stderr) == (one_core.stdout, one_core.stderr)


def test_an_unknown_key_with_brackets_is_named_as_written(tmp_path):
    """Brackets are how pydantic names its own parts of a location; a user's key may hold them too."""
    root = write_record(tmp_path, {
        "content/profile.yaml": "name: Ada\n",
        "content/goals.yaml": "- title: Ship it\n  :[measure: Regions\n  list[x]: 3\n",
    })
    with pytest.raises(RecordProblems) as raised:
        read_record(root)
    described = [problem.describe() for problem in raised.value.problems]
    assert any(":2:3: unknown key ':[measure'" in line for line in described), described
    assert any(":3:3: unknown key 'list[x]'" in line for line in described), described


@pytest.mark.parametrize("style", [None, "'", '"', "|", ">"])
@pytest.mark.parametrize("width", [20, 80])
def test_a_placeholder_is_found_however_its_yaml_is_written(tmp_path, style, width):
    """Files are searched for placeholders only when their text has a placeholder's longest
    word (or an escape): every way YAML writes a value keeps that word whole."""
    from generator.vocabulary import PLACEHOLDERS, may_hold_placeholder

    for number, placeholder in enumerate(PLACEHOLDERS):
        # spread over lines as YAML folds it, or with the spaces of a hand-written line
        for value in (placeholder, placeholder.replace(" ", "  ")):
            text = yaml.safe_dump({"title": "A goal", "measure": value}, default_style=style, width=width,
                                  allow_unicode=True)
            assert may_hold_placeholder(text), text
            write_record(tmp_path, {"content/profile.yaml": "name: Ada\n",
                                    "content/goals.yaml": "- " + text.replace("\n", "\n  ")})
            with pytest.raises(RecordProblems) as raised:
                read_record(tmp_path)
            assert [problem.message for problem in raised.value.problems] == [
                "`measure` is still the placeholder `careerfolio init` wrote"], (number, text)
    escaped = '- {title: A goal, measure: "One line that says what changed and why it \\x6Dattered."}\n'
    assert may_hold_placeholder(escaped)
    write_record(tmp_path, {"content/goals.yaml": escaped})
    with pytest.raises(RecordProblems):
        read_record(tmp_path)
    write_record(tmp_path, {"content/goals.yaml": "- {title: A goal, measure: One line that says what changed}\n"})
    assert not may_hold_placeholder((tmp_path / "content" / "goals.yaml").read_text(encoding="utf-8"))
    assert read_record(tmp_path).collection("goals")
