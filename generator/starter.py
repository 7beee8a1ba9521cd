"""`careerfolio init`: a small example of every collection, which builds cleanly, and on request
a GitHub Actions workflow that publishes the public site on GitHub Pages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from generator import __version__
from generator.problems import UserError
from generator.schema import SCHEMA_FOLDER, editor_settings, schema_documents
from generator.vocabulary import SETTINGS_FILE

EDITOR_SETTINGS = ".vscode/settings.json"

STARTER = Path(__file__).resolve().parent / "starter_record"
# Packaging tools treat a file named .gitignore as their own ignore list, so it ships renamed.
RENAMED = {"gitignore.txt": ".gitignore"}
WORKFLOW = ".github/workflows/careerfolio.yml"
WORKFLOW_TEMPLATE = Path(__file__).resolve().parent / "workflows" / "github-pages.yml"


def starter_files(github_pages: bool = False) -> dict[str, Path | str]:
    """Each file of the new record, relative to its folder: a file to copy, or the text to write.

    Besides the example record, init wires editors up: the JSON Schemas, and the VS Code
    mapping from each file of the record to its schema (other editors read the
    `yaml-language-server` line at the top of each YAML file).
    """
    files: dict[str, Path | str] = {}
    for path in sorted(STARTER.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(STARTER).as_posix()
            files[RENAMED.get(relative, relative)] = path
    for name, text in schema_documents().items():
        files[f"{SCHEMA_FOLDER}/{name}"] = text
    files[EDITOR_SETTINGS] = json.dumps(editor_settings(), indent=2) + "\n"
    if github_pages:
        files[WORKFLOW] = workflow_text()
    return files


def workflow_text() -> str:
    """The GitHub Pages workflow, installing the careerfolio that wrote it."""
    # a JSON string is a YAML string, quoted as the requirement's spaces and @ need
    return WORKFLOW_TEMPLATE.read_text(encoding="utf-8").replace("@REQUIREMENT@", json.dumps(installed_requirement()))


def installed_requirement() -> str:
    """What pip should install in CI to build as this machine does.

    careerfolio installed from a git repository is installed from the same commit; otherwise
    the same version by name. A record's repository is not careerfolio's, so CI cannot build
    careerfolio from the repository it runs in.
    """
    from importlib import metadata

    try:
        direct = json.loads(metadata.distribution("careerfolio").read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        direct = None
    vcs = direct.get("vcs_info", {}) if isinstance(direct, dict) else {}
    if vcs.get("vcs") == "git" and vcs.get("commit_id") and str(direct.get("url", "")).startswith("https://"):
        return f"careerfolio[fast] @ git+{direct['url']}@{vcs['commit_id']}"
    return f"careerfolio[fast]=={__version__}"


def is_record(directory: Path) -> bool:
    """Whether `directory` already holds a career record, so init adds to it rather than starting one."""
    return (directory / SETTINGS_FILE).is_file() or (directory / "content" / "profile.yaml").is_file()


def write_workflow(directory: Path) -> Path:
    """Add the GitHub Pages workflow to an existing record; refuse if the record has one."""
    destination = directory / WORKFLOW
    if destination.exists() or destination.is_symlink():
        raise UserError(f"{destination} already exists — init never overwrites; remove it first to get "
                        "a new one")
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(workflow_text(), encoding="utf-8", newline="\n")
    return destination


def write_starter_record(directory: Path, github_pages: bool = False) -> list[Path]:
    """Write the example record (with the GitHub Pages workflow if asked); refuse, touching
    nothing, if any of its files exists."""
    files = starter_files(github_pages)
    existing = [relative for relative in files if (directory / relative).exists()]
    if existing:
        shown = ", ".join(existing[:5]) + (" …" if len(existing) > 5 else "")
        raise UserError(f"{directory} already has {shown} — init never overwrites; "
                        "choose an empty folder, e.g. `careerfolio init my-career`")
    written = []
    for relative, source in files.items():
        destination = directory / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.copyfile(source, destination)
        else:
            destination.write_text(source, encoding="utf-8", newline="\n")
        written.append(destination)
    return written
