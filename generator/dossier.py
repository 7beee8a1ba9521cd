"""The dossier: the promotion packet as one HTML document with print CSS, and its PDF.

The dossier is rendered like the site, into memory. The PDF is made from those same bytes,
so what the committee reads on paper is exactly what `dossier.html` shows on screen.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.case import Case
from generator.markdown import MarkdownRenderer
from generator.render import (
    DOSSIER_STYLESHEET,
    RenderedSite,
    asset_path,
    make_environment,
    static_files,
)
from generator.themes import ThemeChain

PDF_NAME = "dossier.pdf"
PDF_HASH_NAME = ".dossier-pdf-source.sha256"
DOSSIER_STATIC = (DOSSIER_STYLESHEET, "fonts/")


@dataclass(frozen=True)
class Stamp:
    """Which version of the record a dossier was made from, so a handed-over packet can be found again."""

    commit: str | None
    dirty: bool

    def describe(self) -> str:
        if self.commit is None:
            return ""
        return f"commit {self.commit}" + (" + uncommitted changes" if self.dirty else "")


def read_stamp(record_root: Path) -> Stamp:
    """The record's git commit and whether its files have changes; nothing outside git."""
    try:
        commit = subprocess.run(["git", "-C", str(record_root), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=False)
        if commit.returncode != 0:
            return Stamp(None, False)
        status = subprocess.run(["git", "-C", str(record_root), "status", "--porcelain", "--", "."],
                                capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return Stamp(None, False)
    changes = [line for line in status.stdout.splitlines() if not _is_output_line(line)]
    return Stamp(commit.stdout.strip(), bool(changes))


def _is_output_line(line: str) -> bool:
    return line[3:].startswith(("output/", '"output/'))


def render_dossier(case: Case, chain: ThemeChain, record_root: Path | None, content_dir: Path,
                   paper: str, stamp: Stamp, markdown: MarkdownRenderer | None = None) -> RenderedSite:
    """dossier.html, its stylesheet and fonts, and the evidence files it links to."""
    environment = make_environment(chain, record_root, markdown or MarkdownRenderer())
    context = {"case": case, "root": "", "asset_root": "", "paper": paper, "stamp": stamp,
               "canonical": None, "page": None}
    html = environment.get_template("dossier.html").render(context).encode("utf-8")
    copies = {relative: source for relative, source in static_files(chain).items()
              if relative.startswith(DOSSIER_STATIC)}
    copies.update({asset_path(name): content_dir / name for name in case.assets})
    return RenderedSite({"dossier.html": html}, copies)


def source_hash(dossier: RenderedSite, paper: str) -> str:
    """A fingerprint of everything the PDF is made from: when it is unchanged, so is the PDF."""
    digest = hashlib.sha256(f"careerfolio {__version__}\0{paper}".encode())
    for relative, data in sorted(dossier.files.items()):
        digest.update(relative.encode() + b"\0" + hashlib.sha256(data).digest())
    for relative, source in sorted(dossier.copies.items()):
        digest.update(relative.encode() + b"\0" + hashlib.sha256(source.read_bytes()).digest())
    return digest.hexdigest()


def reusable_pdf(previous_folder: Path, fingerprint: str) -> bytes | None:
    """The last build's PDF, if it was made from exactly the same inputs."""
    try:
        if (previous_folder / PDF_HASH_NAME).read_text(encoding="utf-8").strip() == fingerprint:
            return (previous_folder / PDF_NAME).read_bytes()
    except OSError:
        return None
    return None
