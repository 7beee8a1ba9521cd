"""Helpers shared by the tests: write a record from a dict of files, run the CLI in-process."""

from __future__ import annotations

import http.server
import io
import os
import shutil
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

# 2026-01-15, for the whole session (module fixtures too): builds in tests are
# reproducible whatever day they run.
os.environ["SOURCE_DATE_EPOCH"] = "1768435200"
# Builds in tests keep their cache apart from the user's, and start with none.
os.environ["CAREERFOLIO_CACHE_DIR"] = tempfile.mkdtemp(prefix="careerfolio-test-cache-")

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str


def run_cli(*arguments: str | Path) -> Run:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main([str(a) for a in arguments], stdout=stdout, stderr=stderr)
    return Run(int(status), stdout.getvalue(), stderr.getvalue())


def write_record(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path -> text, dedented) under `root`; return root."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to compare outputs exactly."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def replace_placeholders(root: Path) -> None:
    """Write words of one's own where `careerfolio init` left placeholders, as a new user does first."""
    import re

    from generator.vocabulary import PLACEHOLDERS

    # a placeholder may be wrapped over lines in its file
    patterns = [re.compile(r"\s+".join(re.escape(word) for word in text.split())) for text in PLACEHOLDERS]
    for path in (root / "content").rglob("*"):
        if path.suffix in (".md", ".yaml"):
            text = path.read_text(encoding="utf-8")
            for pattern in patterns:
                text = pattern.sub("Words of my own.", text)
            path.write_text(text, encoding="utf-8")


@pytest.fixture
def fixture_copy(tmp_path):
    """Copy a fixture record into a temporary folder, so tests may build into it."""

    def copy(name: str) -> Path:
        destination = tmp_path / name
        shutil.copytree(FIXTURES / name, destination)
        return destination

    return copy


@pytest.fixture
def sample_record(tmp_path) -> Path:
    """A copy of the project's own sample record."""
    destination = tmp_path / "sample"
    destination.mkdir()
    shutil.copy(PROJECT / "careerfolio.yaml", destination / "careerfolio.yaml")
    shutil.copytree(PROJECT / "content", destination / "content")
    return destination




# Debian's Chromium, driven by Playwright (never `playwright install`: it downloads).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# WCAG 2.2 A and AA (target sizes among them) and axe's best practices: all that axe checks
# but its experimental rules.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                     "best-practice"]}}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site to the browser tests without a log line per request."""

    def log_message(self, *arguments):
        pass


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield launched
        launched.close()
