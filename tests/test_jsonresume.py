"""JSON Resume in and out: a valid resume.json for each audience, an exact round trip, and
imports that carry over what the record can hold, say what it cannot, and never overwrite."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, PROJECT, run_cli, write_record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import jsonresume
from generator.case import CaseOptions, build_case, site_purpose
from generator.jsonresume import plain_text, to_uri
from generator.load import MAX_FILE_BYTES
from generator.model import PartialDate
from generator.numbers import normalise_unit
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
    document = export(sample_record, "--audience", "internal")  # the case: the ask is in it
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


# --- import ----------------------------------------------------------------------------


def test_the_json_resume_sample_imports_field_by_field(tmp_path):
    folder = tmp_path / "richard"
    output = imported(RESUMES / "sample.resume.json", folder)
    assert "not carried over: basics.phone, basics.location.address, basics.location.postalCode, " \
           "basics.profiles.username (1), work.location (1), education.startDate (1), education.score (1), " \
           "projects.entity (1), meta.canonical, meta.version, meta.lastModified, skills (2), languages (1), " \
           "interests (1) — careerfolio's record has no place for them" in output
    record = read_record(folder)
    profile = record.profile
    assert (profile.name, profile.headline, profile.email) == ("Richard Hendriks", "Programmer",
                                                               "richard.hendriks@mail.com")
    assert profile.location == "San Francisco, California, US"
    assert profile.summary.startswith("Richard hails from Tulsa.") and profile.summary.endswith("conversation!")
    assert [(link.label, link.url) for link in profile.links] == [
        ("Website", "http://richardhendricks.example.com"), ("Twitter", "https://www.twitter.com"),
        ("SoundCloud", "https://soundcloud.example.com/dandymusicnl")]
    assert profile.role is None  # the one job has ended

    projects = models(folder, "projects")
    pied_piper = projects["pied-piper"]
    assert (pied_piper.title, pied_piper.role, pied_piper.summary, pied_piper.status) == (
        "Pied Piper", "CEO/President", "Awesome compression company", "done")
    assert (pied_piper.period.start, pied_piper.period.end) == (PartialDate(2013, 12, 1), PartialDate(2014, 12, 1))
    assert pied_piper.links[0].url == "http://piedpiper.example.com"
    body = {entry.id: entry.body for entry in read_record(folder).collection("projects")}
    assert body["pied-piper"].startswith("Pied Piper is a multi-platform technology")
    assert projects["coderdojo"].tags == ["volunteer"] and projects["coderdojo"].role == "Teacher"
    miss_direction = projects["miss-direction"]
    assert miss_direction.skills == ["GoogleMaps", "Chrome Extension", "Javascript"]
    assert miss_direction.role == "Team lead, Designer" and miss_direction.tags == ["application"]

    achievements = {model.title: model for model in models(folder, "achievements").values()}
    won = achievements["Successfully won Techcrunch Disrupt"]
    assert won.projects == ["pied-piper"] and won.period.start == PartialDate(2013, 12, 1)
    assert achievements["Won award at AIHacks 2016"].date == PartialDate(2016, 8, 24)
    assert achievements["Awarded 'Teacher of the Month'"].projects == ["coderdojo"]
    award = achievements["Digital Compression Pioneer Award — Techcrunch"]
    assert (award.date, award.summary, award.tags) == (PartialDate(2014, 11, 1), "There is no spoon.", ["award"])
    publication = achievements["Video compression for 3d media — Hooli"]
    assert publication.evidence[0].url == "http://en.wikipedia.org/wiki/Silicon_Valley_(TV_series)"
    assert len(achievements) == 9

    (quote,) = models(folder, "feedback").values()
    assert quote.author == "Erlich Bachman" and quote.quote.startswith("It is my pleasure to recommend Richard")
    learning = {model.title: model for model in models(folder, "learning").values()}
    degree = learning["Bachelor in Information Technology"]
    assert (degree.provider, degree.date, degree.url) == ("University of Oklahoma", PartialDate(2014, 1, 1),
                                                         "https://www.ou.edu/")
    assert {"DB1101 - Basic SQL", "CS2011 - Java Introduction"} < set(learning)


def test_an_imported_resume_checks_without_errors_and_builds(tmp_path):
    folder = tmp_path / "richard"
    imported(RESUMES / "sample.resume.json", folder)
    checked = run_cli("check", "-C", folder)
    assert checked.status == 0 and "\n0 errors" in "\n" + checked.stdout.splitlines()[-1], checked.stdout
    built = run_cli("build", "--no-pdf", "-C", folder)
    assert built.status == 0, built.stderr
    assert "Digital Compression Pioneer Award" in (folder / "output" / "site" / "index.html").read_text(
        encoding="utf-8") + (folder / "output" / "site" / "timeline" / "index.html").read_text(encoding="utf-8")


def test_non_ascii_names_and_texts_and_partial_dates_survive_an_import(tmp_path):
    folder = tmp_path / "li"
    imported(RESUMES / "unicode.resume.json", folder)
    record = read_record(folder)
    assert record.profile.name == "李小龍"
    assert record.profile.headline == "Μηχανικός πλατφόρμας"
    assert record.profile.links[0].url == "https://例え.jp/プロフィール/li"
    assert record.profile.role.team == "Ελληνικά Δίκτυα" and record.profile.role.since == PartialDate(2019, 7)
    assert "李小龍" in (folder / "content" / "profile.yaml").read_text(encoding="utf-8")  # not \\u escapes
    (certificate,) = models(folder, "certifications").values()
    assert certificate.earned == PartialDate(2019) and certificate.earned.iso() == "2019"
    (quote,) = models(folder, "feedback").values()
    assert quote.author == "Ελένη Παπαδοπούλου" and quote.quote == "Εξαιρετική συνάδελφος — «πάντα έτοιμη»."
    titles = {model.title: model for model in models(folder, "achievements").values()}
    assert titles["把构建时间缩短了一半"].period.start == PartialDate(2019, 7)
    assert titles["最佳工程师 — 公司"].date == PartialDate(2020, 5)
    (study,) = models(folder, "learning").values()
    assert (study.title, study.provider, study.date) == ("Master in 计算机科学", "北京大学", PartialDate(2017))
    assert run_cli("check", "-C", folder).status == 0
    assert run_cli("build", "--no-pdf", "-C", folder).status == 0


def test_import_never_overwrites_and_then_writes_nothing(tmp_path):
    write_record(tmp_path, {"content/profile.yaml": "name: Mine\n"})
    result = run_cli("import", "jsonresume", RESUMES / "sample.resume.json", "--into", tmp_path)
    assert result.status == 1
    assert "profile.yaml already exists — import never overwrites" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "content" / "profile.yaml").read_text(encoding="utf-8") == "name: Mine\n"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "content/profile.yaml"]


def test_import_writes_into_the_folder_of_dash_c_by_default(tmp_path):
    (tmp_path / "mine").mkdir()
    result = run_cli("import", "jsonresume", RESUMES / "unicode.resume.json", "-C", tmp_path / "mine")
    assert result.status == 0, result.stderr
    assert (tmp_path / "mine" / "content" / "profile.yaml").is_file()
    assert "next: careerfolio -C" in result.stdout


LOCATED = re.compile(r"^resume\.json:(\d+):(\d+): (/\S*): (.+) — (.+)$")
INVALID = {
    "a date JSON Resume cannot read": (
        '{\n  "basics": {"name": "Ann"},\n  "work": [\n    {"name": "Acme", "startDate": "July 2019"}\n  ]\n}\n',
        ['resume.json:4:35: /work/0/startDate: "July 2019" is not a date — write YYYY, YYYY-MM or YYYY-MM-DD']),
    "a month that does not exist": (
        '{"certificates": [{"name": "CKA", "date": "2019-13"}]}',
        ['resume.json:1:43: /certificates/0/date: "2019-13" has no month 13 — months run from 01 to 12']),
    "wrong types": (
        '{"basics": {"name": 42, "profiles": {"network": "x"}},\n "work": [{"highlights": "one"}]}',
        ["resume.json:1:21: /basics/name: must be a text, found a number — put it in double quotes",
         ("resume.json:1:37: /basics/profiles: must be a list, found an object — write [ … ] around the items, "
         "even a single one"),
         ("resume.json:2:26: /work/0/highlights: must be a list, found a text — write [ … ] around the items, "
         "even a single one")]),
    "a key written twice": (
        '{"basics": {\n  "name": "Ann",\n  "name": "Bob"\n}}',
        [("resume.json:3:3: /basics/name: the key 'name' is written twice — keep one; JSON readers silently "
         "use the last")]),
    "not an object": ("[1, 2]", [("resume.json:1:1: /: a JSON Resume is an object, not a list — "
                                 'write { "basics": { "name": "…" }, … }')]),
    "a highlight with nothing to date it": (
        '{"basics": {"name": "Ann"}, "work": [{"name": "Acme", "highlights": ["Shipped it"]}]}',
        [('resume.json:1:38: /work/0: the highlights here need a date to become achievements, and this item '
         'has none — add "startDate" (and "endDate" once it ended)')]),
    "a meta entry that the record's schema refuses, with hints in JSON terms": (
        '{"meta": {"careerfolio": {"goals": [{"title": "T", "competencies": "x", "progress": 120}]}}}',
        ['resume.json:1:1: /: the resume has no name — add "name": "Your Name" to "basics"',
         ("resume.json:1:68: /meta/careerfolio/goals/0/competencies: competencies must be a list — "
         "write [ … ] around the items"),
         ("resume.json:1:85: /meta/careerfolio/goals/0/progress: progress is 120, out of range — "
         "it must be at most 100")]),
    "an unknown key in careerfolio's meta": (
        '{"basics": {"name": "Ann"}, "meta": {"careerfolio": {"goals": [{"title": "T", "dedline": "2026"}]}}}',
        ["resume.json:1:79: /meta/careerfolio/goals/0/dedline: unknown key 'dedline' — did you mean 'deadline'?"]),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_resumes_get_located_problems_and_nothing_is_written(tmp_path, monkeypatch, case):
    text, expected = INVALID[case]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "resume.json").write_text(text, encoding="utf-8")
    result = run_cli("import", "jsonresume", "resume.json", "--into", tmp_path / "new")
    assert result.status == 1
    lines = result.stderr.splitlines()
    assert lines[:-1] == expected
    assert all(LOCATED.match(line) for line in lines[:-1])
    assert lines[-1].endswith("in resume.json; nothing was written")
    assert "Traceback" not in result.stderr and not (tmp_path / "new").exists()


def test_a_json_syntax_error_is_located(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "resume.json").write_text('{\n  "basics": {"name": "Ann",}\n}\n', encoding="utf-8")
    result = run_cli("import", "jsonresume", "resume.json", "--into", tmp_path / "new")
    assert result.status == 1
    assert result.stderr.splitlines()[0] == ("resume.json:2:28: JSON syntax error: Expecting property name "
                                             "enclosed in double quotes — keys need double quotes, and JSON "
                                             "allows no comma after the last item")
    assert not (tmp_path / "new").exists()


def test_every_problem_of_a_resume_is_reported_in_one_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "resume.json").write_text(json.dumps({
        "basics": {"name": 1}, "work": [{"startDate": "soon"}], "education": [{"endDate": "2019-02-30"}],
        "references": "none"}, indent=1), encoding="utf-8")
    result = run_cli("import", "jsonresume", "resume.json", "--into", tmp_path / "new")
    assert result.status == 1
    assert [LOCATED.match(line).group(3) for line in result.stderr.splitlines()[:-1]] == [
        "/basics/name", "/work/0/startDate", "/education/0/endDate", "/references"]


def test_a_resume_larger_than_a_record_file_may_be_is_refused_unread(tmp_path):
    (tmp_path / "resume.json").write_bytes(b'{"basics": {"name": "' + b"a" * MAX_FILE_BYTES + b'"}}')
    result = run_cli("import", "jsonresume", tmp_path / "resume.json", "--into", tmp_path / "new")
    assert result.status == 1 and "more than careerfolio reads" in result.stderr
    assert not (tmp_path / "new").exists()


def test_import_and_export_need_no_test_dependency_at_run_time():
    """jsonschema is a test tool: careerfolio checks a resume's structure itself."""
    package = PROJECT / "generator"
    assert [path.name for path in package.glob("*.py") if "jsonschema" in path.read_text(encoding="utf-8")] == []


def test_a_missing_file_or_a_file_as_the_folder_is_one_clear_line(tmp_path):
    result = run_cli("import", "jsonresume", tmp_path / "nope.json", "--into", tmp_path / "new")
    assert result.status == 1 and "there is no file" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "taken").write_text("mine\n", encoding="utf-8")
    result = run_cli("import", "jsonresume", RESUMES / "sample.resume.json", "--into", tmp_path / "taken")
    assert result.status == 1 and "is a file — import into a folder" in result.stderr
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "mine\n"


# --- the round trip ----------------------------------------------------------------------


def round_trip(record: Path, folder: Path, audience: str) -> tuple[str, str]:
    """Export `record`, import it into `folder` (its assets copied first), export that again."""
    exported = run_cli("export", "jsonresume", "-C", record, "--audience", audience).stdout
    (folder / "content").mkdir(parents=True)
    shutil.copytree(record / "content" / "assets", folder / "content" / "assets")
    (folder.parent / "resume.json").write_text(exported, encoding="utf-8")
    output = imported(folder.parent / "resume.json", folder)
    assert "not carried over" not in output and "left out" not in output
    return exported, run_cli("export", "jsonresume", "-C", folder, "--audience", audience).stdout


def comparable(model) -> dict:
    """A model as the round trip keeps it: careerfolio spells units one way, and `check:` (the
    advice silenced) is not part of an export."""
    values = model.model_dump(exclude={"id", "check"})
    for impact in values.get("impact", ()):
        impact["unit"] = normalise_unit(impact["unit"]) or None
    return values


@pytest.mark.parametrize("audience", ["public", "internal", "private"])
def test_export_then_import_gives_back_the_same_record(sample_record, tmp_path, audience):
    exported, again = round_trip(sample_record, tmp_path / "again", audience)
    assert again == exported
    # a public export is the portfolio: it carries no ask, target or plan, so none comes back
    purpose = site_purpose(None, audience)
    options = CaseOptions(today=TODAY, audience=audience, purpose=purpose)
    original_record, copy_record = read_record(sample_record), read_record(tmp_path / "again")
    original = build_case(original_record, options)
    copy = build_case(copy_record, options)
    assert dataclasses.replace(copy, left_out=()) == dataclasses.replace(original, left_out=())
    hidden = {"ask", "target"} if purpose == "portfolio" else set()
    assert copy_record.profile.model_dump(exclude=hidden) == original_record.profile.model_dump(exclude=hidden)
    ladder = original_record.competencies.model_dump(exclude={"competencies": {"__all__": {"check"}}})
    if purpose == "portfolio":  # a portfolio names only the skills it shows
        shown_skills = {competency.id for competency in original.competencies}
        ladder["competencies"] = [c for c in ladder["competencies"] if c["id"] in shown_skills]
    assert copy_record.competencies.model_dump(exclude={"competencies": {"__all__": {"check"}}}) == ladder
    for collection in ("achievements", "projects", "certifications", "goals", "feedback", "learning"):
        shown = {view.id for view in getattr(original, collection)}
        before = {entry.id: (comparable(entry.model), entry.body) for entry in original_record.collection(collection)
                  if entry.id in shown}
        if purpose == "portfolio":  # no plan: links to goals, and skills with no achievement, are not shown
            for values, _ in before.values():
                values.pop("goals", None)
                if "competencies" in values:
                    values["competencies"] = [c for c in values["competencies"] if c in shown_skills]
        after = {entry.id: (comparable(entry.model), entry.body) for entry in copy_record.collection(collection)}
        if purpose == "portfolio":
            for values, _ in after.values():
                values.pop("goals", None)
        assert after == before, collection


def test_the_round_trip_keeps_evidence_files_and_the_photo(base_record, tmp_path):
    exported, again = round_trip(base_record, tmp_path / "again", "internal")
    assert again == exported
    evidence = models(tmp_path / "again", "achievements")["2025-03-fast-builds"].evidence
    assert evidence[0].file == "assets/chart.svg"
    assert read_record(tmp_path / "again").profile.photo == "assets/photo.svg"


def test_files_a_resume_cannot_carry_are_named_and_the_record_still_checks(base_record, tmp_path):
    (tmp_path / "resume.json").write_text(export_text(base_record), encoding="utf-8")
    output = imported(tmp_path / "resume.json", tmp_path / "new")
    assert "left out: the photo and an evidence file, which a resume does not carry" in output
    assert run_cli("check", "-C", tmp_path / "new").status == 0


def export_text(root: Path, *options: str) -> str:
    return run_cli("export", "jsonresume", "-C", root, *options).stdout


def test_a_field_edited_in_the_json_resume_wins_over_what_meta_kept(sample_record, tmp_path):
    document = export(sample_record, "--audience", "internal")
    document["basics"]["summary"] = "Edited in another tool."
    cka = next(c for c in document["certificates"] if "Kubernetes" in c["name"])
    del cka["url"]
    (tmp_path / "resume.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "new" / "content").mkdir(parents=True)
    shutil.copytree(sample_record / "content" / "assets", tmp_path / "new" / "content" / "assets")
    imported(tmp_path / "resume.json", tmp_path / "new")
    record = read_record(tmp_path / "new")
    assert record.profile.summary == "Edited in another tool."
    assert record.profile.ask.startswith("I am asking")  # kept: JSON Resume has no place to edit it
    assert models(tmp_path / "new", "certifications")["certified-kubernetes-administrator-cka"].url is None


# --- any record ------------------------------------------------------------------------

TEXT = st.text(st.characters(whitelist_categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=30).filter(
    lambda text: text.strip())
MARKDOWN = st.lists(st.sampled_from(["**bold**", "a [link](https://example.com/x)", "`code`", "line\nbreak",
                                     "- item", "plain words", "Ελληνικά", "中文", "&amp;", "\\*"]),
                    min_size=1, max_size=4).map(" ".join)
DATE = st.builds(lambda year, month, day: f"{year}" + (f"-{month:02d}" if month else "") +
                 (f"-{day:02d}" if month and day else ""),
                 st.integers(1990, 2025), st.integers(0, 12), st.integers(0, 28))
URL = st.sampled_from(["https://example.com/a", "https://例え.jp/naïve path", "mailto:me@example.com",
                       "/relative/page", "http://example.com/100%"])
VISIBILITY = st.sampled_from(["public", "internal", "private"])


def entries_of(draw_list):
    return [{key: value for key, value in entry.items() if value is not None} for entry in draw_list]


RECORD = st.fixed_dictionaries({
    "profile": st.fixed_dictionaries({"name": TEXT, "headline": st.none() | TEXT, "summary": st.none() | MARKDOWN,
                                      "email": st.none() | st.sampled_from(["a@example.com", "ask my manager"]),
                                      "links": st.lists(st.fixed_dictionaries({"label": TEXT, "url": URL}),
                                                        max_size=3),
                                      "role": st.none() | st.fixed_dictionaries({"title": TEXT, "since": DATE})}),
    "achievements": st.lists(st.fixed_dictionaries({
        "title": TEXT, "date": DATE, "summary": st.none() | TEXT, "visibility": VISIBILITY,
        "impact": st.lists(st.fixed_dictionaries({"metric": TEXT, "value": st.integers(-5, 10**6),
                                                  "unit": st.sampled_from(["USD", "%", "h", "widgets"])}),
                           max_size=2),
        "tags": st.lists(TEXT, max_size=2), "projects": st.lists(st.just("p1"), max_size=1),
        "body": MARKDOWN}), max_size=4),
    "projects": st.fixed_dictionaries({"p1": st.fixed_dictionaries({
        "title": TEXT, "summary": st.none() | MARKDOWN, "skills": st.lists(TEXT, max_size=3),
        "links": st.lists(st.fixed_dictionaries({"label": TEXT, "url": URL}), max_size=2),
        "period": st.none() | st.fixed_dictionaries({"start": DATE}), "visibility": VISIBILITY})}),
    "certifications": st.lists(st.fixed_dictionaries({"name": TEXT, "issuer": st.none() | TEXT,
                                                      "earned": st.none() | DATE, "url": st.none() | URL,
                                                      "visibility": VISIBILITY}), max_size=3),
    "feedback": st.lists(st.fixed_dictionaries({"quote": MARKDOWN, "author": TEXT, "date": st.none() | DATE,
                                                "visibility": VISIBILITY}), max_size=3),
    "learning": st.lists(st.fixed_dictionaries({"title": TEXT, "kind": st.sampled_from(["book", "course", "other"]),
                                                "provider": st.none() | TEXT, "date": st.none() | DATE,
                                                "url": st.none() | URL}), max_size=3),
})


def write_generated_record(root: Path, record: dict) -> None:
    """The generated record as files, written by YAML itself so that any text is quoted right."""
    content = root / "content"
    (content / "achievements").mkdir(parents=True)
    (content / "projects").mkdir()
    profile = {key: value for key, value in record["profile"].items() if value not in (None, [])}
    (content / "profile.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    for stem, project in record["projects"].items():
        values = {key: value for key, value in project.items() if value not in (None, [])}
        (content / "projects" / f"{stem}.md").write_text(
            "---\n" + yaml.safe_dump(values, allow_unicode=True) + "---\nThe story.\n", encoding="utf-8")
    for index, achievement in enumerate(record["achievements"]):
        values = {key: value for key, value in achievement.items() if value not in (None, []) and key != "body"}
        (content / "achievements" / f"a{index}.md").write_text(
            "---\n" + yaml.safe_dump(values, allow_unicode=True) + "---\n" + achievement["body"] + "\n",
            encoding="utf-8")
    for collection in ("certifications", "feedback", "learning"):
        (content / f"{collection}.yaml").write_text(
            yaml.safe_dump(entries_of(record[collection]), allow_unicode=True), encoding="utf-8")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=RECORD, audience=st.sampled_from(["public", "internal"]))
def test_any_record_exports_a_valid_resume_that_imports_back_the_same(tmp_path_factory, record, audience):
    root = tmp_path_factory.mktemp("generated")
    write_generated_record(root, record)
    assert run_cli("check", "-C", root).status == 0, run_cli("check", "-C", root).stdout
    exported = run_cli("export", "jsonresume", "-C", root, "--audience", audience).stdout
    assert schema_errors(json.loads(exported)) == []
    if audience == "public":
        hidden = {json.dumps(a["title"], ensure_ascii=False)[1:-1] for a in record["achievements"]
                  if a["visibility"] != "public"}
        shown = {json.dumps(a["title"], ensure_ascii=False)[1:-1] for a in record["achievements"]
                 if a["visibility"] == "public"}
        assert not [title for title in hidden - shown if f'"title": "{title}"' in exported]
    (root / "resume.json").write_text(exported, encoding="utf-8")
    assert run_cli("import", "jsonresume", root / "resume.json", "--into", root / "again").status == 0
    assert run_cli("check", "-C", root / "again").status == 0
    assert run_cli("export", "jsonresume", "-C", root / "again", "--audience", audience).stdout == exported
    shutil.rmtree(root)


def test_resume_json_after_an_edit_encodes_only_the_new_achievement_and_the_same_bytes(monkeypatch):
    from generator.jsonresume import Reuse, resume_bytes
    from generator.render import site_fingerprints

    options = CaseOptions(today=dt.date(2026, 1, 15), audience="internal")
    record = read_record(PROJECT)
    case = build_case(record, options)
    first = Reuse(site_fingerprints().of, {})
    assert len(first.unknown(case.achievements)) == len(case.achievements) > 1
    encoded = resume_bytes(case, first)
    # another build, one title changed: only that achievement is not known
    edited = dataclasses.replace(case, achievements=(
        dataclasses.replace(case.achievements[0], title="Another title"), *case.achievements[1:]))
    again = Reuse(site_fingerprints().of, first.used)
    assert len(again.unknown(edited.achievements)) == 1
    made = []
    for name in ("project_record", "certification_record", "feedback_record", "learning_record", "goal_record"):
        original = getattr(jsonresume, name)
        monkeypatch.setattr(jsonresume, name, functools.wraps(original)(  # named as the original: the cache's key
            lambda view, original=original: made.append(view) or original(view)))
    assert resume_bytes(edited, again) == resume_bytes(edited) != encoded
    # the other collections' records were kept too: only the build without them made them again
    assert len(made) == len(case.projects) + len(case.certifications) + len(case.quotes) + len(case.learning) + \
        len(case.goals) > 0
    # what is kept is what the last build used: the old title is encoded again if it comes back
    assert len(Reuse(site_fingerprints().of, again.used).unknown(case.achievements)) == 1


def test_achievements_encoded_apart_give_resume_json_the_bytes_it_makes_alone():
    """Another process encodes part of the achievements and hands over only what it made."""
    from generator.jsonresume import Reuse, resume_bytes
    from generator.render import site_fingerprints

    case = build_case(read_record(PROJECT), CaseOptions(today=dt.date(2026, 1, 15), audience="internal"))
    fingerprints = site_fingerprints()
    elsewhere = Reuse(fingerprints.of, {})
    half = case.achievements[::2]
    made = elsewhere.encode(half)
    assert len(made) == len(half) and elsewhere.encode(half) == {}  # made once
    reuse = Reuse(fingerprints.of, {})
    reuse.used.update(made)
    assert reuse.unknown(case.achievements) == list(case.achievements[1::2])
    reuse.encode(case.achievements)
    assert reuse.unknown(case.achievements) == []
    assert resume_bytes(case, reuse) == resume_bytes(case)


def test_an_edited_achievement_leaves_the_records_of_its_project_goal_and_profile_as_they_were(sample_record,
                                                                                               monkeypatch):
    """A project's and a goal's views list their achievements, but their records do not read
    them: they are kept (and nothing parses Markdown for them) when only an achievement changed."""
    from generator.jsonresume import Reuse, resume_bytes
    from generator.render import site_fingerprints

    options = CaseOptions(today=dt.date(2026, 1, 15), audience="internal")
    first = Reuse(site_fingerprints().of, {})
    resume_bytes(build_case(read_record(sample_record), options), first)
    story = sample_record / "content" / "achievements" / "2025-03-ci-build-time.md"  # of a project and a goal
    story.write_text(story.read_text(encoding="utf-8").replace("title: Cut CI", "title: Cut the CI"),
                     encoding="utf-8")
    edited = build_case(read_record(sample_record), options)
    assert any(a.title.startswith("Cut the CI") for p in edited.projects for a in p.achievements)
    assert any(a.title.startswith("Cut the CI") for g in edited.goals for a in g.achievements)
    expected = resume_bytes(edited)
    made = []
    for name in ("project_record", "goal_record", "profile_item", "role_item", "plain_text"):
        original = getattr(jsonresume, name)
        monkeypatch.setattr(jsonresume, name, functools.wraps(original)(  # named as the original: the cache's key
            lambda view, original=original, name=name: made.append(name) or original(view)))
    assert resume_bytes(edited, Reuse(site_fingerprints().of, first.used)) == expected
    assert made == []
    resume_bytes(edited)  # without what the first build kept, each is made again
    assert {"project_record", "goal_record", "profile_item", "role_item", "plain_text"} <= set(made)


def test_resume_json_is_the_bytes_json_dumps_writes_for_the_whole_document():
    from generator.jsonresume import (
        META_KEY,
        achievement_record,
        highlight,
        resume_bytes,
        resume_document,
    )

    case = build_case(read_record(PROJECT), CaseOptions(today=dt.date(2026, 1, 15), audience="internal"))
    document, places = resume_document(case, [highlight(achievement) for achievement in case.achievements])
    document["meta"][META_KEY]["achievements"] = [
        {"at": at, **achievement_record(achievement)} for at, achievement in zip(places, case.achievements)]
    expected = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert len(places) > 1 and resume_bytes(case).decode("utf-8") == expected
