"""The chain from a record folder to written output: read, validate, build the case, render, write.

Everything that can fail because of the user's input fails before the first byte is
written, so a broken record never disturbs the last good build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from generator.case import CaseOptions, build_case, today_for_build
from generator.cli_text import count
from generator.dossier import (
    PDF_HASH_NAME,
    PDF_NAME,
    read_stamp,
    render_dossier,
    reusable_pdf,
    source_hash,
)
from generator.markdown import MarkdownRenderer
from generator.model import PartialDate, Settings
from generator.pdf import PANGO_HINT, PdfUnavailable, make_pdf
from generator.problems import UsageError, display_path
from generator.render import RenderedSite, render_site
from generator.themes import resolve_theme
from generator.validate import Record, read_record
from generator.write import check_output_location, prepare_output_root, write_tree


@dataclass(frozen=True)
class BuildRequest:
    """What `careerfolio build` was asked to do."""

    root: Path
    audience: str | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None
    drafts: bool = False
    out: Path | None = None
    variant: str | None = None
    all_variants: bool = False
    pdf: bool = True
    today: dt.date | None = None


@dataclass(frozen=True)
class Target:
    """One output to build: a variant (or the default build) with its options and folder."""

    name: str | None
    options: CaseOptions
    dossier_audience: str
    theme: str
    folder: Path


def plan_targets(record: Record, request: BuildRequest) -> list[Target]:
    settings: Settings = record.settings
    output_root = request.out if request.out is not None else record.root / settings.output_dir
    today = request.today or today_for_build()
    base = CaseOptions(audience=request.audience or "public", since=request.since, until=request.until,
                       drafts=request.drafts, today=today)
    names: list[str | None] = [None]
    if request.all_variants:
        names = sorted(settings.variants) or [None]
    elif request.variant is not None:
        if request.variant not in settings.variants:
            known = ", ".join(sorted(settings.variants)) or "none are defined in careerfolio.yaml"
            raise UsageError(f"there is no variant named '{request.variant}' — known variants: {known}")
        names = [request.variant]
    targets = []
    for name in names:
        if name is None:
            targets.append(Target(None, base, request.audience or settings.dossier.audience,
                                  settings.theme, output_root))
            continue
        variant = settings.variants[name]
        options = replace(base, audience=request.audience or variant.audience or "public",
                          since=request.since or variant.since, until=request.until or variant.until,
                          tags=tuple(variant.tags), exclude_tags=tuple(variant.exclude_tags),
                          title=variant.title)
        dossier_audience = request.audience or variant.audience or settings.dossier.audience
        targets.append(Target(name, options, dossier_audience, variant.theme or settings.theme,
                              output_root / name))
    return targets


def build(request: BuildRequest) -> list[str]:
    """Build every requested output; return the lines that tell the user what was made."""
    record = read_record(request.root)
    targets = plan_targets(record, request)
    for target in targets:
        check_output_location(target.folder, record.root, record.content_dir)
    stamp = read_stamp(record.root)
    # one parser and cache for every page, dossier and variant of this build
    markdown = MarkdownRenderer(allow_html=record.settings.markdown.allow_html)
    paper = record.settings.dossier.paper
    planned = []
    for target in targets:  # render everything before writing anything
        chain = resolve_theme(target.theme, record.root)
        case = build_case(record, target.options)
        dossier_case = build_case(record, replace(target.options, audience=target.dossier_audience))
        markdown.prerender(view.body for views in (case.achievements, case.projects,
                                                   dossier_case.achievements, dossier_case.projects)
                           for view in views)
        site = render_site(case, chain, record.root, record.content_dir, markdown=markdown)
        dossier = render_dossier(dossier_case, chain, record.root, record.content_dir, paper, stamp,
                                 markdown=markdown)
        planned.append((target, case, site, dossier_case, dossier))
    lines = []
    for target, case, site, dossier_case, dossier in planned:
        prepare_output_root(target.folder)
        files_written = write_tree(target.folder / "site", site.files, site.copies)
        suffix = f" ({target.name})" if target.name else ""
        lines.append(f"site{suffix}: {display_path(target.folder / 'site')}/ — {files_written} files, "
                     f"{count(len(case.achievements), 'achievement')}, audience {case.audience}")
        lines.append(f"  {case.left_out_sentence()}")
        if not case.base_url:
            lines.append("  no sitemap.xml or feed: set base_url in careerfolio.yaml to get them")
        files = dict(dossier.files)
        pdf_line = "no PDF (--no-pdf)"
        if request.pdf:
            fingerprint = source_hash(dossier, paper)
            previous = reusable_pdf(target.folder / "dossier", fingerprint)
            if previous is not None:
                files[PDF_NAME], files[PDF_HASH_NAME] = previous, fingerprint.encode()
                pdf_line = f"{PDF_NAME} unchanged since the last build"
            else:
                try:
                    pdf, pages, warnings = make_pdf(RenderedSite(dossier.files, dossier.copies))
                except PdfUnavailable as error:
                    pdf_line = f"no PDF: {error} — {PANGO_HINT}"
                else:
                    files[PDF_NAME] = pdf
                    if not warnings:  # a PDF made with warnings is made again next time
                        files[PDF_HASH_NAME] = fingerprint.encode()
                    pdf_line = f"{PDF_NAME} ({count(pages, 'page')}, {paper})"
                    lines.extend(f"  PDF warning: {warning}" for warning in warnings)
        write_tree(target.folder / "dossier", files, dossier.copies)
        lines.append(f"dossier{suffix}: {display_path(target.folder / 'dossier')}/dossier.html and "
                     f"{pdf_line}, audience {dossier_case.audience}")
        lines.append(f"  {dossier_case.left_out_sentence()}")
    return lines
