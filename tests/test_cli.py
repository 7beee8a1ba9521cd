"""The command line: exit codes, messages without tracebacks, init, check, variants, themes."""

import subprocess
import sys

from conftest import FIXTURES, PROJECT, replace_placeholders, run_cli, write_record

from generator import __version__


def test_version_and_help():
    assert run_cli("--version").stdout.strip() == f"careerfolio {__version__}"
    result = run_cli("--help")
    assert result.status == 0
    for command in ("build", "check", "init", "themes"):
        assert command in result.stdout


def test_a_wrong_command_line_exits_2():
    assert run_cli("build", "--no-pdf", "--audience", "everyone").status == 2
    assert run_cli("frobnicate").status == 2
    assert run_cli().status == 2


def test_python_dash_m_runs_the_same_program():
    result = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == f"careerfolio {__version__}"


def test_check_lists_every_problem_with_its_line_and_exits_1():
    result = run_cli("check", "-C", FIXTURES / "invalid" / "many-problems" / "record")
    assert result.status == 1
    lines = result.stdout.splitlines()
    expected = (FIXTURES / "invalid" / "many-problems" / "expected.yaml").read_text(encoding="utf-8")
    errors = expected.count(chr(10) + '- ') + 1
    assert lines[-1] == f"{errors} errors, 0 advice; advice comes once the errors are fixed"
    assert all(":" in line and " — " in line for line in lines[:-1])
    assert "Traceback" not in result.stdout + result.stderr


def test_init_writes_a_record_that_refuses_its_placeholders_until_they_are_replaced(tmp_path):
    from generator.vocabulary import PLACEHOLDERS

    mine = tmp_path / "mine"
    result = run_cli("init", mine)
    assert result.status == 0
    assert "placeholders a build refuses to publish" in result.stdout
    assert (mine / ".gitignore").read_text(encoding="utf-8").strip().endswith("output/")
    check = run_cli("check", "-C", mine)
    assert check.status == 1
    found = [line.split("/mine/", 1)[1] for line in check.stdout.splitlines() if "/mine/" in line]
    assert [line.split(" — ")[0] for line in found] == [
        "content/achievements/first-achievement.md:4:10: `summary` is still the placeholder `careerfolio init` wrote",
        "content/achievements/first-achievement.md:23:1: the story is still the placeholder `careerfolio init` wrote",
        "content/profile.yaml:12:10: `summary` is still the placeholder `careerfolio init` wrote",
        "content/profile.yaml:14:6: `ask` is still the placeholder `careerfolio init` wrote",
        "content/projects/reporting.md:9:1: the story is still the placeholder `careerfolio init` wrote",
    ]
    refused = run_cli("build", "--no-pdf", "-C", mine)
    assert refused.status == 1 and not (mine / "output" / "site").exists()

    # the starter holds every placeholder, and nothing else stands between it and a build
    written = " ".join(" ".join(path.read_text(encoding="utf-8").split()) for path in (mine / "content").rglob("*.*"))
    assert all(" ".join(text.split()) in written for text in PLACEHOLDERS)
    replace_placeholders(mine)
    assert run_cli("check", "-C", mine).status == 0
    built = run_cli("build", "--no-pdf", "-C", mine)
    assert built.status == 0, built.stderr
    assert (mine / "output" / "site" / "index.html").is_file()


def test_a_draft_may_keep_its_placeholders(tmp_path):
    root = write_record(tmp_path, {
        "content/profile.yaml": "name: Ana\n",
        "content/achievements/x.md": "---\ntitle: X\ndate: 2025-01-01\ndraft: true\nsummary: One line that "
                                     "says what changed and why it mattered.\n---\nTell the story here in Markdown: "
                                     "what was hard, what you decided, and what you learned.\n",
    })
    assert run_cli("build", "--no-pdf", "-C", root).status == 0
    text = (root / "content/achievements/x.md").read_text(encoding="utf-8").replace("draft: true", "draft: false")
    (root / "content/achievements/x.md").write_text(text, encoding="utf-8")
    refused = run_cli("build", "--no-pdf", "-C", root)
    assert refused.status == 1
    assert "x.md:5:10: `summary` is still the placeholder" in refused.stderr
    assert "x.md:7:1: the story is still the placeholder" in refused.stderr


def test_init_never_overwrites(tmp_path):
    write_record(tmp_path, {"content/profile.yaml": "name: Mine\n"})
    result = run_cli("init", tmp_path)
    assert result.status == 1
    assert "never overwrites" in result.stderr
    assert (tmp_path / "content" / "profile.yaml").read_text(encoding="utf-8") == "name: Mine\n"
    assert not (tmp_path / "careerfolio.yaml").exists()


def test_a_folder_that_is_not_a_record_says_how_to_start_one(tmp_path):
    result = run_cli("build", "--no-pdf", "-C", tmp_path)
    assert result.status == 2
    assert "careerfolio init" in result.stderr


def test_variants_build_into_their_own_folders(sample_record):
    result = run_cli("build", "--no-pdf", "-C", sample_record, "--all-variants")
    assert result.status == 0, result.stderr
    assert (sample_record / "output" / "committee" / "site" / "index.html").is_file()
    platform = (sample_record / "output" / "platform-jobs" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Platform engineering" in platform
    assert run_cli("build", "--no-pdf", "-C", sample_record, "--variant", "nope").status == 2


def test_themes_lists_the_built_in_themes():
    result = run_cli("themes")
    assert "default" in result.stdout and "built-in" in result.stdout


def test_an_internal_error_is_reported_without_a_traceback_unless_debugging(sample_record, monkeypatch):
    import generator.render

    def broken(*arguments, **options):
        raise RuntimeError("boom")

    monkeypatch.setattr(generator.render, "render_site", broken)
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 70  # our bug, told apart from the record's mistakes (1)
    assert "internal error: RuntimeError: boom" in result.stderr and "Traceback" not in result.stderr
    assert "Traceback" in run_cli("build", "--no-pdf", "-C", sample_record, "--debug").stderr


def test_a_reader_that_stops_reading_is_no_error(tmp_path):
    """`careerfolio check | head -1` ends quietly, not with "internal error"."""
    import subprocess
    import sys

    root = write_record(tmp_path, {"content/profile.yaml": "name: Ana\n"})
    (root / "content" / "achievements").mkdir(parents=True)
    for number in range(300):  # advice enough to outlast the pipe's buffer
        (root / "content" / "achievements" / f"a{number}.md").write_text(
            f"---\ntitle: Thing {number}\ndate: 2025-01-01\n---\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "generator", "check", "-C", str(root)], cwd=PROJECT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(30) == 0, stderr
    assert "internal error" not in stderr and "Traceback" not in stderr


def test_the_command_leaves_at_once_with_every_line_said_and_its_status(sample_record):
    """`careerfolio` skips the interpreter's teardown: what it wrote to a pipe must all arrive."""
    import json

    exported = subprocess.run([sys.executable, "-m", "generator", "export", "jsonresume", "-C", str(sample_record)],
                              capture_output=True, cwd=PROJECT, check=False)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["basics"]["name"]  # the whole document, to its last brace
    (sample_record / "content" / "goals.yaml").write_text("- title: [unclosed\n", encoding="utf-8")
    broken = subprocess.run([sys.executable, "-m", "generator", "build", "-C", str(sample_record)],
                            capture_output=True, text=True, cwd=PROJECT, check=False)
    assert broken.returncode == 1
    assert broken.stderr.rstrip().endswith("nothing was written") and "goals.yaml:1:" in broken.stderr
