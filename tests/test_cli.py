"""The command line: exit codes, messages without tracebacks, init, check, variants, themes."""

import subprocess
import sys

from conftest import FIXTURES, run_cli, write_record

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


def test_init_writes_a_record_that_checks_and_builds(tmp_path):
    result = run_cli("init", tmp_path / "mine")
    assert result.status == 0
    assert (tmp_path / "mine" / ".gitignore").read_text(encoding="utf-8").strip().endswith("output/")
    assert run_cli("check", "-C", tmp_path / "mine").status == 0
    built = run_cli("build", "--no-pdf", "-C", tmp_path / "mine")
    assert built.status == 0, built.stderr
    assert (tmp_path / "mine" / "output" / "site" / "index.html").is_file()


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
