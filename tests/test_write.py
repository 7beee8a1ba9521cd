"""The writer: atomic swaps, a failed build leaves the last output alone, refusals keep user files safe."""

import os
from pathlib import Path

import pytest
from conftest import run_cli, tree_bytes

from generator.problems import OutputRefused
from generator.write import MARKER, check_output_location, write_output


def test_a_failed_build_leaves_the_previous_output_byte_identical(sample_record):
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    before = tree_bytes(sample_record / "output")
    broken = sample_record / "content" / "achievements" / "2025-03-ci-build-time.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("date: 2025-03-14", "date: 2025-02-30"),
                      encoding="utf-8")
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 1
    assert "2025-03-ci-build-time.md:3:7: '2025-02-30' has no day 30" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_bytes(sample_record / "output") == before


def test_a_render_error_also_leaves_the_previous_output(sample_record):
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    before = tree_bytes(sample_record / "output")
    (sample_record / "templates").mkdir()
    (sample_record / "templates" / "home.html").write_text("{{ case.no_such_thing }}", encoding="utf-8")
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 1
    assert tree_bytes(sample_record / "output") == before
    assert not [p for p in (sample_record / "output").iterdir() if "staging" in p.name]


def test_the_same_record_builds_byte_identical_files(sample_record, tmp_path):
    assert run_cli("build", "--no-pdf", "-C", sample_record, "--out", tmp_path / "one").status == 0
    assert run_cli("build", "--no-pdf", "-C", sample_record, "--out", tmp_path / "two").status == 0
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


def test_a_rebuild_replaces_stale_pages(sample_record):
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    page = sample_record / "output" / "site" / "achievements" / "2025-01-route-planner-latency"
    assert page.is_dir()
    (sample_record / "content" / "achievements" / "2025-01-route-planner-latency.md").unlink()
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert not page.exists()


def test_a_folder_careerfolio_did_not_make_is_never_replaced(sample_record):
    users = sample_record / "output" / "site"
    users.mkdir(parents=True)
    (users / "mine.txt").write_text("keep me", encoding="utf-8")
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 1
    assert "did not create" in result.stderr
    assert (users / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_files_of_the_user_beside_the_outputs_are_kept(sample_record):
    output = sample_record / "output"
    output.mkdir()
    (output / "README.md").write_text("mine", encoding="utf-8")
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert (output / "README.md").read_text(encoding="utf-8") == "mine"
    assert not (output / MARKER).exists()  # we did not create this folder


@pytest.mark.parametrize("out", [".", "content", "..", "/"])
def test_output_folders_that_would_destroy_the_record_are_refused(sample_record, out):
    before = tree_bytes(sample_record)
    result = run_cli("build", "--no-pdf", "-C", sample_record, "--out", sample_record / out)
    assert result.status == 1
    assert "choose" in result.stderr
    assert tree_bytes(sample_record) == before


def test_the_home_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    record = tmp_path / "elsewhere" / "record"
    with pytest.raises(OutputRefused, match="home folder"):
        check_output_location(tmp_path / "home", record, record / "content")


def test_a_new_output_is_written_whole_then_updated_to_exactly_the_new_files(tmp_path):
    target = tmp_path / "site"
    write_output(target, {"index.html": b"one", "a/b/index.html": b"two"}, {})
    write_output(target, {"index.html": b"three"}, {})
    assert tree_bytes(target) == {MARKER: (target / MARKER).read_bytes(), "index.html": b"three"}
    assert sorted(os.listdir(tmp_path)) == ["site"]


def test_a_failed_first_write_leaves_no_staging_folder(tmp_path):
    with pytest.raises(OSError):
        write_output(tmp_path / "site", {}, {"x.svg": Path(tmp_path / "missing.svg")})
    assert os.listdir(tmp_path) == []
