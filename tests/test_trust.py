"""Trust: nothing outside the record gets in, nothing private gets out, nothing half-written stays."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import PROJECT, run_cli, tree_bytes


def crlf_copy(source: Path, destination: Path) -> None:
    shutil.copytree(source, destination)
    for path in destination.rglob("*"):
        if path.suffix in (".md", ".yaml", ".yml"):
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def edit_a_story(record: Path) -> None:
    story = record / "content" / "achievements" / "2025-03-ci-build-time.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")


def test_a_record_checked_out_with_crlf_builds_the_same_bytes(sample_record, tmp_path):
    windows = tmp_path / "windows"
    crlf_copy(sample_record, windows)
    assert b"\r\n" in (windows / "content" / "profile.yaml").read_bytes()
    assert run_cli("build", "--no-pdf", "-C", sample_record, "--out", tmp_path / "lf").status == 0
    result = run_cli("build", "--no-pdf", "-C", windows, "--out", tmp_path / "crlf")
    assert result.status == 0, result.stderr
    assert tree_bytes(tmp_path / "crlf") == tree_bytes(tmp_path / "lf")


def test_a_hidden_entry_never_moves_a_public_page(sample_record):
    achievements = sample_record / "content" / "achievements"
    (achievements / "dup.yaml").write_text("title: Public one\ndate: 2025-02\n", encoding="utf-8")
    (achievements / "dup.md").write_text("---\ntitle: Private one\ndate: 2025-02\nvisibility: private\n---\n",
                                         encoding="utf-8")
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    site = sample_record / "output" / "site"
    assert "Public one" in (site / "achievements" / "dup" / "index.html").read_text(encoding="utf-8")
    assert not (site / "achievements" / "dup-2").exists()
    assert "dup-2" not in "".join(path.read_text(encoding="utf-8") for path in site.rglob("*.html"))


def test_an_output_folder_inside_the_content_is_refused(sample_record):
    before = tree_bytes(sample_record / "content")
    result = run_cli("build", "--no-pdf", "-C", sample_record, "--out", sample_record / "content" / "site")
    assert result.status == 1 and "inside the content folder" in result.stderr
    assert tree_bytes(sample_record / "content") == before


def test_a_template_cannot_run_a_command(sample_record, tmp_path):
    marker = tmp_path / "ran"
    (sample_record / "templates").mkdir()
    for name in ("home.html", "achievement.html"):
        (sample_record / "templates" / name).write_text(
            f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}", encoding="utf-8")
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 1 and "templates may not use" in result.stderr
    assert not marker.exists()


def test_eight_builds_at_once_each_finish_and_readers_never_miss_a_page(sample_record, tmp_path):
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    index = sample_record / "output" / "site" / "index.html"
    missing: list[float] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            if not index.is_file():
                missing.append(time.monotonic())

    watching = threading.Thread(target=reader)
    watching.start()
    builds = []
    for number in range(8):
        (sample_record / "content" / "achievements" / f"2025-0{number + 1}-extra-{number}.md").write_text(
            f"---\ntitle: Extra {number}\ndate: 2025-0{number + 1}\n---\n", encoding="utf-8")
        builds.append(subprocess.Popen([sys.executable, "-m", "generator", "build", "--no-pdf", "-C",
                                        str(sample_record)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True, cwd=PROJECT))
    results = [(build.wait(120), build.stderr.read()) for build in builds]
    stop.set()
    watching.join()
    assert [status for status, _ in results] == [0] * 8, results
    assert missing == []
    assert run_cli("build", "--no-pdf", "--no-cache", "-C", sample_record, "--out", tmp_path / "clean").status == 0
    assert tree_bytes(sample_record / "output") == tree_bytes(tmp_path / "clean")


def test_a_killed_build_leaves_a_complete_site_and_the_next_build_tidies_up(tmp_path):
    subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "make_record.py"), "300", str(tmp_path)],
                   check=True, capture_output=True)
    record = tmp_path / "record"
    assert run_cli("build", "--no-pdf", "-C", record).status == 0
    for delay in (0.05, 0.3, 0.6, 0.9):
        for path in list((record / "content" / "achievements").glob("*.md"))[:40]:
            path.write_text(path.read_text(encoding="utf-8").replace("title: \"", "title: \"Again ", 1),
                            encoding="utf-8")
        build = subprocess.Popen([sys.executable, "-m", "generator", "build", "--no-pdf", "-C", str(record)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJECT)
        time.sleep(delay)
        build.send_signal(signal.SIGKILL)
        build.wait(30)
        assert (record / "output" / "site" / "index.html").is_file()
    result = run_cli("build", "--no-pdf", "-C", record)
    assert result.status == 0, result.stderr
    leftovers = [path for path in (record / "output").rglob("*")
                 if ".staging-" in path.name or path.name == ".careerfolio-writing"]
    assert leftovers == []
    assert run_cli("build", "--no-pdf", "--no-cache", "-C", record, "--out", tmp_path / "clean").status == 0
    assert tree_bytes(record / "output") == tree_bytes(tmp_path / "clean")


def test_an_unwritable_output_folder_is_the_users_to_fix(sample_record, monkeypatch):
    import generator.write

    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    edit_a_story(sample_record)

    def refused(*arguments, **options):
        raise PermissionError(13, "Permission denied", str(sample_record / "output" / "site" / "index.html"))

    monkeypatch.setattr(generator.write, "_place", refused)
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 1
    assert "cannot write" in result.stderr and "Permission denied" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_something_of_the_users_where_the_build_writes_is_named_and_kept(sample_record):
    """A folder where a page goes, or a file where a folder goes: the user's, so never removed."""
    site = sample_record / "output" / "site"
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    (site / "index.html").unlink()
    (site / "index.html").mkdir()
    (site / "index.html" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 1, result.stderr
    assert "output/site/index.html: a folder stands where the build writes a file — move it" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert (site / "index.html" / "notes.txt").read_text(encoding="utf-8") == "mine"

    (site / "index.html" / "notes.txt").unlink()
    (site / "index.html").rmdir()
    shutil.rmtree(site / "tags")
    (site / "tags").write_text("mine", encoding="utf-8")
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 1, result.stderr
    assert "output/site/tags: a file stands where the build needs a folder — move it" in result.stderr
    assert (site / "tags").read_text(encoding="utf-8") == "mine"

    (site / "tags").unlink()
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert (site / "index.html").is_file() and (site / "tags").is_dir()


def test_nothing_is_written_when_the_pdf_fails(sample_record, monkeypatch):
    """Site and dossier of one build go in together, after everything succeeded."""
    import generator.pdf

    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    before = tree_bytes(sample_record / "output")
    edit_a_story(sample_record)

    def crash(*arguments, **options):
        raise RuntimeError("the PDF engine fell over")

    monkeypatch.setattr(generator.pdf, "make_pdf", crash)
    result = run_cli("build", "-C", sample_record)
    assert result.status == 70
    assert tree_bytes(sample_record / "output") == before


@pytest.mark.parametrize("place", ["templates", "themes"])
def test_record_templates_and_themes_run_sandboxed_and_built_in_ones_alone_do_not(sample_record, place):
    from generator.markdown import MarkdownRenderer
    from generator.render import make_environment
    from generator.themes import resolve_theme

    chain = resolve_theme("default", sample_record)
    assert "Sandboxed" not in type(make_environment(chain, sample_record, MarkdownRenderer())).__name__
    if place == "templates":
        (sample_record / "templates").mkdir()
    else:
        theme = sample_record / "themes" / "mine"
        (theme / "templates").mkdir(parents=True)
        (theme / "theme.yaml").write_text("name: mine\nextends: default\n", encoding="utf-8")
        chain = resolve_theme("mine", sample_record)
    assert "Sandboxed" in type(make_environment(chain, sample_record, MarkdownRenderer())).__name__


def test_internal_errors_exit_70_and_interruptions_130():
    from generator.problems import ExitStatus

    assert ExitStatus.INTERNAL_ERROR == 70 and ExitStatus.INTERRUPTED == 130
    assert os.EX_SOFTWARE == 70


def test_a_hidden_entrys_evidence_is_not_published_by_a_public_link_to_it(sample_record):
    achievements = sample_record / "content" / "achievements"
    (sample_record / "content" / "assets" / "salary-review.svg").write_text("<svg><title>zqxsecret</title></svg>\n",
                                                                           encoding="utf-8")
    (achievements / "2025-05-raise.md").write_text(
        "---\ntitle: Negotiated a raise\ndate: 2025-05\nvisibility: private\n"
        "evidence: [{title: Review, file: assets/salary-review.svg}]\n---\n", encoding="utf-8")
    story = achievements / "2025-03-ci-build-time.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n![chart](assets/salary-review.svg)\n", encoding="utf-8")
    assert run_cli("build", "--no-pdf", "-C", sample_record, "--audience", "internal").status == 0
    assert not (sample_record / "output" / "site" / "assets" / "salary-review.svg").exists()
    assert not list((sample_record / "output").rglob("salary-review.svg"))


def test_folders_left_by_killed_builds_of_old_versions_are_cleared(sample_record):
    output = sample_record / "output"
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    for name in (".site.staging-999999", ".site.previous-999999"):
        (output / name).mkdir()
        (output / name / "index.html").write_text("old", encoding="utf-8")
    edit_a_story(sample_record)
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert sorted(path.name for path in output.iterdir() if path.name.startswith(".site")) == []
