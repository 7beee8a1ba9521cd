"""JSON Resume out: a valid resume.json for each audience, holding only what it may see."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES, run_cli

from generator.jsonresume import plain_text, to_uri
from generator.validate import read_record

RESUMES = FIXTURES / "jsonresume"
SCHEMA = json.loads((RESUMES / "schema.json").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 1, 15)  # SOURCE_DATE_EPOCH of conftest
CANARIES = ("zqxinternal", "zqxprivate")


def schema_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(document)]


def export(root: Path, *options: str) -> dict:
    result = run_cli("export", "jsonresume", "-C", root, *options)
    assert result.status == 0, result.stderr
    return json.loads(result.stdout)


def imported(resume: Path, folder: Path) -> str:
    result = run_cli("import", "jsonresume", resume, "--into", folder)
    assert result.status == 0, result.stderr
    return result.stdout


def models(root: Path, collection: str) -> dict:
    return {entry.id: entry.model for entry in read_record(root).collection(collection)}


@pytest.fixture
def base_record(fixture_copy) -> Path:
    return fixture_copy("base")


# --- export ----------------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["public", "internal"])
@pytest.mark.parametrize("record", ["sample", "base"])
def test_an_export_is_a_valid_json_resume(record, audience, sample_record, base_record):
    root = sample_record if record == "sample" else base_record
    document = export(root, "--audience", audience)
    assert schema_errors(document) == []
    assert document["basics"]["name"] and document["meta"]["careerfolio"]["audience"] == audience


def test_the_schema_check_would_catch_what_export_must_avoid():
    """The validator really checks formats: a relative address or a spelled-out date fails."""
    assert schema_errors({"basics": {"url": "assets/photo.svg"}}) != []
    assert schema_errors({"work": [{"startDate": "July 2019"}]}) != []
    assert schema_errors({"basics": {"email": "not an address"}}) != []


def test_a_public_export_holds_no_byte_of_an_internal_or_private_entry(fixture_copy):
    record = fixture_copy("canary")
    public = run_cli("export", "jsonresume", "-C", record)
    assert public.status == 0
    assert not [marker for marker in CANARIES if marker in public.stdout.lower()]
    internal = run_cli("export", "jsonresume", "-C", record, "--audience", "internal").stdout.lower()
    assert "zqxinternal" in internal and "zqxprivate" not in internal


def test_export_maps_the_record_to_json_resume_fields(sample_record):
    document = export(sample_record)
    basics = document["basics"]
    assert basics["name"] == "Priya Raman"
    assert basics["label"].startswith("Senior Software Engineer, Platform")
    assert basics["url"] == "https://priya-raman.example.com/"
    assert basics["image"] == "https://priya-raman.example.com/assets/priya.svg"
    assert basics["location"] == {"city": "Lisbon, Portugal"}
    assert {"network": "GitHub", "url": "https://github.com/priya-raman-example"} in basics["profiles"]
    role = document["work"][0]
    assert (role["position"], role["name"], role["startDate"]) == ("Senior Software Engineer",
                                                                    "Platform Engineering", "2022-03")
    # an achievement of a project is a highlight of that project, with its numbers
    build_platform = next(p for p in document["projects"] if p["name"] == "Build platform v3")
    assert build_platform["highlights"] == [
        ("Cut CI build time by 63% for 14 product teams — CI build time: 41 → 15 min (−63%); "
        "Cost savings: $120,000 per year; Engineering time saved: 5,200 h per year")]
    assert (build_platform["startDate"], build_platform["endDate"]) == ("2024-10", "2025-04")
    assert build_platform["keywords"] == ["Bazel", "Kubernetes", "Go", "CI/CD"]
    assert build_platform["roles"] == ["Tech lead"]
    assert any(h.startswith("Started the blameless incident review programme") for h in role["highlights"])
    assert document["certificates"][0] == {
        "name": "Certified Kubernetes Administrator (CKA)", "issuer": "The Linux Foundation",
        "date": "2024-06-10",
        "url": "https://training.linuxfoundation.org/certification/certified-kubernetes-administrator-cka/"}
    assert {"name": "Daniel Okafor", "reference": "Priya already operates at staff level. The CI work changed "
            "how fourteen teams ship, and she did it by persuasion, not authority."} in document["references"]
    assert {"institution": "Martin Kleppmann", "area": "Designing Data-Intensive Applications",
            "studyType": "Book", "endDate": "2024-05"} in document["education"]
    skills = [skill["name"] for skill in document["skills"]]
    assert "Technical leadership" in skills and "Engineering strategy" not in skills  # a gap is not a skill
    assert "Bazel" in document["skills"][-1]["keywords"]


def test_markdown_becomes_plain_text_and_the_original_stays_in_meta(sample_record):
    document = export(sample_record)
    meta = document["meta"]["careerfolio"]
    assert "**" not in json.dumps(document["basics"])
    assert meta["profile"]["ask"].startswith("I am asking to be promoted to **Staff Engineer (L6)**")
    assert "\n" in meta["profile"]["summary"] and "\n" not in document["basics"]["summary"]
    assert plain_text("**63%** of [the teams](https://x.example) use `ci`\nnow.") == "63% of the teams use ci now."
    assert plain_text("- one\n- two") == "- one\n\n- two"


def test_only_absolute_web_addresses_reach_uri_fields():
    checker = jsonschema.FormatChecker()
    for address in ("https://例え.jp/naïve path?q=ü#ä", "http://example.com/100%", "https://x.example/[a]"):
        assert checker.conforms(to_uri(address), "uri"), to_uri(address)
    assert to_uri("assets/chart.svg") is None and to_uri("mailto:me@example.com") is None
    assert to_uri("https://example.com/a") == "https://example.com/a"


def test_export_is_deterministic_and_writes_the_same_bytes_to_a_file(sample_record, tmp_path):
    first = run_cli("export", "jsonresume", "-C", sample_record).stdout
    assert first == run_cli("export", "jsonresume", "-C", sample_record).stdout
    assert first.endswith("}\n") and "—" in first  # letters as themselves, not \\u escapes
    assert list(json.loads(first)) == sorted(json.loads(first))
    target = tmp_path / "out" / "resume.json"
    result = run_cli("export", "jsonresume", "-C", sample_record, "-o", target)
    assert result.status == 0
    assert target.read_text(encoding="utf-8") == first
    assert "audience public" in result.stdout and "next:" in result.stdout


def test_export_follows_a_variant(sample_record):
    document = export(sample_record, "--variant", "committee")
    assert document["meta"]["careerfolio"]["audience"] == "internal"
    assert run_cli("export", "jsonresume", "-C", sample_record, "--variant", "nope").status == 2


def test_every_site_has_the_resume_json_of_its_own_case_linked_from_its_pages(base_record):
    for audience in ("public", "internal"):
        assert run_cli("build", "--no-pdf", "-C", base_record, "--audience", audience).status == 0
        site = base_record / "output" / "site"
        exported = run_cli("export", "jsonresume", "-C", base_record, "--audience", audience).stdout
        assert (site / "resume.json").read_text(encoding="utf-8") == exported
    page = (site / "achievements" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/json" title="Ada Example: JSON Resume" ' \
           'href="../resume.json">' in page
