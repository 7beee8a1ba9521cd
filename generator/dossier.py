"""The dossier: the promotion packet as one HTML document with print CSS, and its PDF.

The dossier is rendered like the site, into memory. The PDF is made from those same bytes,
so what the committee reads on paper is exactly what `dossier.html` shows on screen.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator import __version__
from generator.history import Stamp
from generator.render import (
    DOSSIER_STYLESHEET,
    RenderedSite,
    Templates,
    asset_path,
    fonts_not_named,
    static_files,
)
from generator.themes import ThemeChain
from generator.views import Case

PDF_NAME = "dossier.pdf"
DOSSIER_STATIC = (DOSSIER_STYLESHEET, "fonts/")


def render_dossier(case: Case, templates: Templates, chain: ThemeChain, content_dir: Path,
                   paper: str, stamp: Stamp, full: int = 12) -> RenderedSite:
    """dossier.html, its stylesheet and fonts, and the evidence files it links to.

    `full` achievements are told at length, the rest in one line each, so that a long
    career still makes a packet a committee reads, not a book.
    """
    packet = case.packet(full)
    context = {"case": case, "root": "", "asset_root": "", "paper": paper, "stamp": stamp,
               "canonical": None, "page": None, "packet": packet,
               "told": frozenset(achievement.id for achievement in packet.full),
               "projects": case.projects_packet(full), "quotes": case.feedback_packet(full)}
    html = templates.get("dossier.html").render(context).encode("utf-8")
    copies = {relative: source for relative, source in static_files(chain).items()
              if relative.startswith(DOSSIER_STATIC)}
    if DOSSIER_STYLESHEET in copies:
        # the fonts folder also holds the site's web fonts, which the PDF does not use
        for relative in fonts_not_named(copies, [DOSSIER_STYLESHEET]):
            del copies[relative]
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
