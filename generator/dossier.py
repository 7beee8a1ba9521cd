"""The dossier: the promotion packet as one HTML document with print CSS, and its PDF.

The dossier is rendered like the site, into memory. The PDF is made from those same bytes,
so what the committee reads on paper is exactly what `dossier.html` shows on screen.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.history import Stamp
from generator.render import (
    FONT_SUFFIXES,
    RenderedSite,
    Templates,
    asset_path,
    fonts_not_named,
    static_files,
)
from generator.themes import ThemeChain
from generator.views import Case

if TYPE_CHECKING:
    from generator.changes import Changes

PDF_NAME = "dossier.pdf"


def render_dossier(case: Case, templates: Templates, chain: ThemeChain, content_dir: Path,
                   paper: str, stamp: Stamp, full: int = 12, since: Changes | None = None,
                   published: frozenset[str] = frozenset()) -> RenderedSite:
    """dossier.html, its stylesheet and fonts, and the evidence files it links to.

    `full` achievements are told at length, the rest in one line each, so that a long
    career still makes a packet a committee reads, not a book. `since` is what changed
    since the last review (`dossier.since`), told in a chapter of its own. Evidence files
    are attached to the PDF; those in `published` (the site's own copies, under `base_url`)
    are linked online too.
    """
    packet = case.packet(full)
    context = {"case": case, "root": "", "asset_root": "", "paper": paper, "stamp": stamp,
               "canonical": None, "page": None, "packet": packet,
               "told": frozenset(achievement.id for achievement in packet.full),
               "projects": case.projects_packet(full), "quotes": case.feedback_packet(full),
               "since": since, "anchors": anchors(case) if since else frozenset(),
               "published": published if case.base_url else frozenset(),
               "stylesheet": chain.dossier_stylesheet}
    html = templates.get("dossier.html").render(context).encode("utf-8")
    files = static_files(chain)
    font_folders = {str(Path(relative).parent) for relative in files if relative.endswith(FONT_SUFFIXES)}
    copies = {relative: source for relative, source in files.items()
              if relative == chain.dossier_stylesheet or str(Path(relative).parent) in font_folders}
    if chain.dossier_stylesheet in copies:
        # the fonts folder also holds the site's web fonts, which the PDF does not use
        for relative in fonts_not_named(copies, [chain.dossier_stylesheet]):
            del copies[relative]
    copies.update({asset_path(name): content_dir / name for name in case.assets})
    return RenderedSite({"dossier.html": html}, copies)


def anchors(case: Case) -> frozenset[str]:
    """The ids of the entries the dossier tells, as its links name them."""
    return frozenset([f"a-{a.id}" for a in case.achievements] + [f"g-{g.id}" for g in case.goals]
                     + [f"cert-{c.id}" for c in case.certifications] + [f"f-{f.id}" for f in case.feedback])


def source_hash(dossier: RenderedSite, paper: str) -> str:
    """A fingerprint of everything the PDF is made from: when it is unchanged, so is the PDF."""
    digest = hashlib.sha256(f"careerfolio {__version__}\0{paper}".encode())
    for relative, data in sorted(dossier.files.items()):
        digest.update(relative.encode() + b"\0" + hashlib.sha256(data).digest())
    for relative, source in sorted(dossier.copies.items()):
        digest.update(relative.encode() + b"\0" + hashlib.sha256(source.read_bytes()).digest())
    return digest.hexdigest()
