"""`careerfolio check`'s advice: each rule fires on its trigger and on nothing else."""

from __future__ import annotations

import json
import shutil
import typing
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, run_cli, write_record

from generator.lint import RULES
from generator.model import RuleId

ADVICE = FIXTURES / "advice"
TRIGGERS = yaml.safe_load((ADVICE / "triggers.yaml").read_text(encoding="utf-8"))

FINDING_SCHEMA = {
    "type": "object",
    "required": ["file", "line", "column", "rule", "severity", "message", "hint"],
    "additionalProperties": False,
    "properties": {
        "file": {"type": "string", "minLength": 1},
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "rule": {"anyOf": [{"type": "string", "pattern": "^CF[0-9]{3}$"}, {"type": "null"}]},
        "severity": {"enum": ["error", "advice"]},
        "message": {"type": "string", "minLength": 1},
        "hint": {"type": ["string", "null"]},
    },
}


def clean_copy(tmp_path: Path) -> Path:
    root = tmp_path / "record"
    shutil.copytree(ADVICE / "clean", root)
    return root


def findings(root: Path, *options: str) -> list[dict]:
    """Every finding of `check --format json`, each validated against the published shape."""
    result = run_cli("check", "-C", root, "--format", "json", *options)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    for line in lines:
        jsonschema.validate(line, FINDING_SCHEMA)
    return lines


def located(found: list[dict], root: Path) -> list[str]:
    return sorted(f"{f['rule']} {Path(f['file']).resolve().relative_to(root.resolve()).as_posix()}:{f['line']}"
                  for f in found)


def test_the_clean_record_gets_no_advice(tmp_path):
    root = clean_copy(tmp_path)
    result = run_cli("check", "-C", root, "--strict")
    assert result.status == 0, result.stdout
    assert result.stdout.strip().endswith("0 errors, 0 advice (6 entries and the profile checked)")


def test_every_rule_has_a_trigger_and_the_schema_knows_every_rule():
    assert set(RULES) == set(typing.get_args(RuleId))
    assert {case["rule"] for case in TRIGGERS} == set(RULES)


@pytest.mark.parametrize("case", TRIGGERS, ids=lambda c: c["rule"] + (f" {c['name']}" if "name" in c else ""))
def test_a_rule_fires_on_its_trigger_and_nothing_else_does(tmp_path, case):
    root = clean_copy(tmp_path)
    write_record(root, case.get("files", {}))
    for relative in case.get("remove", ()):
        (root / relative).unlink()
    found = findings(root)
    assert located(found, root) == sorted(case["expect"])
    assert all(f["severity"] == "advice" and f["hint"] for f in found)


@pytest.mark.parametrize("case", [c for c in TRIGGERS if c["rule"] == "CF101"], ids=["CF101"])
def test_advice_is_silenced_in_settings_or_in_the_entry(tmp_path, case):
    root = clean_copy(tmp_path)
    write_record(root, case["files"])
    assert len(findings(root)) == 1
    write_record(root, {"careerfolio.yaml": "period: {since: 2025-01-01}\ncheck: {ignore: [CF101]}\n"})
    assert findings(root) == []

    root = clean_copy(tmp_path / "entry")
    (path, text), = case["files"].items()
    write_record(root, {path: text.replace("date: 2025-12-01\n", "date: 2025-12-01\ncheck: {ignore: [CF101]}\n")})
    assert findings(root) == []


def test_silencing_an_unknown_rule_is_an_error_that_lists_the_rules(tmp_path):
    root = clean_copy(tmp_path)
    write_record(root, {"careerfolio.yaml": "check:\n  ignore: [CF999]\n"})
    result = run_cli("check", "-C", root)
    assert result.status == 1
    assert "careerfolio.yaml:2:12: 'CF999' is not a valid ignore — use one of: CF101, CF102" in result.stdout


def test_strict_makes_advice_fail_and_text_lines_carry_the_rule(tmp_path):
    root = clean_copy(tmp_path)
    write_record(root, {"content/profile.yaml": "name: Ada Example\n"})
    relaxed = run_cli("check", "-C", root)
    assert relaxed.status == 0
    assert "content/profile.yaml:1:1: the profile has no ask — add ask:" in relaxed.stdout.replace("\\", "/")
    assert relaxed.stdout.splitlines()[0].endswith("[CF119]")
    assert relaxed.stdout.splitlines()[-1] == "0 errors, 1 advice (6 entries and the profile checked)"
    strict = run_cli("check", "-C", root, "--strict")
    assert strict.status == 1
    assert "--strict makes advice fail" in strict.stdout


def test_json_reports_errors_too_and_puts_the_summary_on_stderr(tmp_path):
    root = clean_copy(tmp_path)
    write_record(root, {"content/goals.yaml": "- title: Regions\n  progress: 140\n  stauts: done\n"})
    result = run_cli("check", "-C", root, "--format", "json")
    assert result.status == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    for line in lines:
        jsonschema.validate(line, FINDING_SCHEMA)
    assert [(f["line"], f["severity"], f["rule"]) for f in lines] == [(2, "error", None), (3, "error", None)]
    assert "did you mean 'status'?" in lines[1]["hint"]
    assert result.stderr.startswith("2 errors, 0 advice")


def test_gaps_are_the_same_in_check_on_the_site_and_in_the_dossier(tmp_path):
    root = clean_copy(tmp_path)
    write_record(root, {"content/competencies.yaml": """\
        competencies:
          - {id: execution, name: Execution}
          - {id: leadership, name: Technical leadership}
          - {id: strategy, name: Engineering strategy}
          - {id: hiring, name: Hiring}
        """})
    reported = {f["message"] for f in findings(root) if f["rule"] == "CF105"}
    assert reported == {"no achievement shows 'Engineering strategy' (a gap)", "no achievement shows 'Hiring' (a gap)"}
    assert run_cli("build", "-C", root, "--no-pdf", "--audience", "internal").status == 0  # the case, not a portfolio
    site = (root / "output" / "site" / "competencies" / "index.html").read_text(encoding="utf-8")
    assert site.count('<li class="gap"') == 2
    assert '<li class="gap" id="strategy">' in site and '<li class="gap" id="hiring">' in site
    dossier = (root / "output" / "dossier" / "dossier.html").read_text(encoding="utf-8")
    assert dossier.count('class="gap"') == 2
    assert 'id="c-strategy" class="gap"' in dossier and 'id="c-hiring" class="gap"' in dossier


def test_the_rules_are_listed():
    result = run_cli("check", "--rules")
    assert result.status == 0
    assert result.stdout.splitlines() == [f"{rule.id}  {rule.summary}" for rule in RULES.values()]


def test_the_readme_lists_every_rule():
    readme = (FIXTURES.parent.parent / "README.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.summary} |" in readme


def test_a_leak_is_a_hidden_name_as_whole_words_in_any_case(tmp_path):
    root = clean_copy(tmp_path)
    write_record(root, {"content/projects/nightingale.md": "---\ntitle: Nightingale\nvisibility: private\n---\n"})
    assert findings(root) == []
    write_record(root, {"content/learning.yaml": "- {title: Nightingales of Europe, kind: book}\n"
                                                 "- {title: Notes, provider: the NIGHTINGALE team}\n"})
    leaks = [(f["line"], f["message"]) for f in findings(root)]
    assert leaks == [(2, "this public entry names the private entry 'Nightingale' (nightingale.md)")]


def test_check_says_when_the_public_site_shows_a_gap_the_dossier_does_not(tmp_path):
    root = clean_copy(tmp_path)
    write_record(root, {
        "content/competencies.yaml": """\
            competencies:
              - {id: execution, name: Execution}
              - {id: leadership, name: Technical leadership}
              - {id: strategy, name: Engineering strategy}
            """,
        "content/achievements/2025-07-incident-retro.md": (
            ADVICE / "clean/content/achievements/2025-07-incident-retro.md").read_text(encoding="utf-8")
        .replace("competencies: [leadership]", "competencies: [leadership, strategy]"),
    })
    (found,) = findings(root)
    assert found["rule"] == "CF106"
    assert found["message"] == ("only one achievement shows 'Engineering strategy', and it is internal: "
                                "the public portfolio does not show this skill")
    assert run_cli("build", "-C", root, "--no-pdf").status == 0
    portfolio = (root / "output" / "site" / "competencies" / "index.html").read_text(encoding="utf-8")
    assert 'id="strategy"' not in portfolio
    settings = root / "careerfolio.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "purpose: promotion\n", encoding="utf-8")
    (found,) = findings(root)
    assert found["message"] == ("only one achievement shows 'Engineering strategy', and it is internal: "
                                "the public site shows a gap")
    assert run_cli("build", "-C", root, "--no-pdf").status == 0
    site = (root / "output" / "site" / "competencies" / "index.html").read_text(encoding="utf-8")
    dossier = (root / "output" / "dossier" / "dossier.html").read_text(encoding="utf-8")
    assert '<li class="gap" id="strategy">' in site
    assert 'id="c-strategy" class="thin"' in dossier


def test_characters_are_drawn_by_the_themes_fonts_or_the_machines(tmp_path, monkeypatch):
    """Inter covers Greek and accents; a machine without CJK fonts cannot draw Chinese."""
    import generator.fonts

    root = clean_copy(tmp_path)
    write_record(root, {"content/profile.yaml": "name: Λένα Müller 多区域\nask: Staff Engineer (L6), now.\n"})
    monkeypatch.setattr(generator.fonts, "system_coverage", lambda: frozenset())
    found = [f for f in findings(root) if f["rule"] == "CF122"]
    assert [(f["line"], f["message"], f["hint"]) for f in found] == [(
        1, "3 characters no font on this machine can draw: 多 区 域 (the PDF would show empty boxes)",
        "install a font that covers them, e.g. fonts-noto-cjk, then build again")]
    monkeypatch.setattr(generator.fonts, "system_coverage", lambda: frozenset(map(ord, "多区域")))
    assert [f for f in findings(root) if f["rule"] == "CF122"] == []


def test_check_runs_without_the_cycle_collector_and_gives_it_back(sample_record, monkeypatch):
    """Reading a record makes millions of objects and few cycles: the cyclic collector would
    walk the whole heap again and again (a third of a large record's check)."""
    import gc

    import generator.lint
    from generator.pipeline import check

    advise = generator.lint.advise
    collecting: list[bool] = []
    monkeypatch.setattr(generator.lint, "advise", lambda *arguments: (
        collecting.append(gc.isenabled()), advise(*arguments))[1])
    assert gc.isenabled(), "a command run in this process left the collector off"
    assert check(sample_record).entries > 0
    assert collecting == [False] and gc.isenabled()
    gc.disable()  # and a caller that had it off gets it back off
    try:
        assert check(sample_record).entries > 0 and not gc.isenabled()
    finally:
        gc.enable()
