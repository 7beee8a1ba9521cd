"""Render the case through a theme into files, as bytes in memory; writing is not done here.

Every page gets `root`, the relative way back to the site's top, so the site works from a
domain, a sub-path or straight from the disk (links end in index.html for that reason).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import jinja2
from markupsafe import Markup

from generator.case import Case, ImpactTotal, ImpactView, is_currency
from generator.markdown import MarkdownRenderer
from generator.model import PartialDate, Period
from generator.themes import ThemeChain
from generator.validate import slugify

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
COLLECTION_TITLES = {
    "achievements": "Achievements", "projects": "Projects", "competencies": "Competencies",
    "certifications": "Certifications", "goals": "Goals", "feedback": "Feedback",
    "learning": "Learning", "timeline": "Timeline", "tags": "Tags",
}


@dataclass(frozen=True)
class RenderedSite:
    """What a build writes: generated files as bytes, and files copied as they are."""

    files: dict  # relative path -> bytes
    copies: dict  # relative path -> source Path


@dataclass(frozen=True)
class Page:
    path: str  # relative to the output folder, e.g. "achievements/x/index.html"
    template: str
    title: str
    section: str
    context: dict

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


def page_path(collection: str, identifier: str | None = None) -> str:
    """Where an entry's or a section's page lives in the site."""
    if collection == "home":
        return "index.html"
    if identifier is None:
        return f"{collection}/index.html"
    if collection in ("goals", "feedback", "certifications", "learning"):
        return f"{collection}/index.html#{identifier}"
    return f"{collection}/{identifier}/index.html"


def pretty_url(path: str) -> str:
    """The URL a static host serves a page under: without index.html."""
    return path.removesuffix("index.html")


def make_environment(chain: ThemeChain, record_root: Path | None, markdown: MarkdownRenderer) -> jinja2.Environment:
    """A Jinja2 environment for one build: autoescaped, strict about undefined names."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in chain.template_folders(record_root)]),
        autoescape=jinja2.select_autoescape(("html", "xml", "htm", "j2"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    @jinja2.pass_context
    def markdown_filter(context: Any, text: str | None, inline: bool = False) -> Markup:
        return Markup(markdown.render(text, context.get("asset_root", context["root"]), inline=inline))

    @jinja2.pass_context
    def url_filter(context: Any, path: str) -> str:
        return context["root"] + path

    environment.filters.update(
        markdown=markdown_filter, url=url_filter, date=format_date, period=format_period,
        amount=format_amount, compact=format_compact, impact=format_impact, change=format_change, total=format_total,
        percent=format_percent, number=format_number, slug=slugify, iso=lambda d: d.iso() if d else "",
        tojson_compact=lambda value: Markup(json.dumps(value, ensure_ascii=False, sort_keys=True)
                                            .replace("<", "\\u003c")),
    )
    environment.globals.update(page_path=page_path, asset_path=asset_path, titles=COLLECTION_TITLES, is_currency=is_currency)
    return environment


def plan_site_pages(case: Case) -> Iterator[Page]:
    """Every page of the site and the template that draws it."""
    yield Page("index.html", "home.html", case.title, "home", {})
    yield Page("achievements/index.html", "achievements.html", "Achievements", "achievements", {})
    for achievement in case.achievements:
        yield Page(page_path("achievements", achievement.id), "achievement.html", achievement.title,
                   "achievements", {"achievement": achievement})
    yield Page("projects/index.html", "projects.html", "Projects", "projects", {})
    for project in case.projects:
        yield Page(page_path("projects", project.id), "project.html", project.title, "projects",
                   {"project": project})
    yield Page("competencies/index.html", "competencies.html", "Competencies", "competencies", {})
    for competency in case.competencies:
        yield Page(page_path("competencies", competency.id), "competency.html", competency.name,
                   "competencies", {"competency": competency})
    for section in ("timeline", "certifications", "goals", "feedback", "learning"):
        yield Page(f"{section}/index.html", f"{section}.html", COLLECTION_TITLES[section] if section != "goals"
                   else "Goals and plan", section, {})
    yield Page("tags/index.html", "tags.html", "Tags", "tags", {})
    for tag in case.tags:
        yield Page(page_path("tags", tag.slug), "tag.html", f"Tagged “{tag.name}”", "tags", {"tag": tag})
    yield Page("404.html", "404.html", "Page not found", "404", {})
    if case.base_url:
        yield Page("sitemap.xml", "sitemap.xml", "", "", {})
        yield Page("feed.xml", "feed.xml", "", "", {})


def render_site(case: Case, chain: ThemeChain, record_root: Path | None, content_dir: Path,
                markdown: MarkdownRenderer | None = None) -> RenderedSite:
    """Render every site page, and list the static and content files the site needs."""
    markdown = markdown or MarkdownRenderer()
    environment = make_environment(chain, record_root, markdown)
    pages = list(plan_site_pages(case))
    site_urls = [pretty_url(p.path) for p in pages if p.path.endswith(".html") and p.path != "404.html"]
    files: dict[str, bytes] = {}
    templates: dict[str, jinja2.Template] = {}
    for page in pages:
        template = templates.get(page.template) or templates.setdefault(
            page.template, environment.get_template(page.template))
        root = page.root
        if page.path == "404.html" and case.base_url:
            # a host serves 404.html at any depth: only a root-relative path finds the styles
            root = urlsplit(case.base_url).path.rstrip("/") + "/"
        context = {
            "case": case, "page": page, "root": root, "asset_root": root,
            "canonical": absolute_url(case.base_url, pretty_url(page.path)),
            "site_urls": site_urls, **page.context,
        }
        files[page.path] = template.render(context).encode("utf-8")
    copies = site_static_files(static_files(chain))
    copies.update({asset_path(name): content_dir / name for name in case.assets})
    return RenderedSite(files, copies)


DOSSIER_STYLESHEET = "css/dossier.css"
FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")


def site_static_files(files: dict[str, Path]) -> dict[str, Path]:
    """The static files the site uses: not the dossier's stylesheet, nor fonts only it names.

    Fonts are embedded in the PDF; a site whose styles do not name them would ship a
    megabyte nobody downloads.
    """
    site_styles = "\n".join(path.read_text(encoding="utf-8", errors="replace")
                            for relative, path in files.items()
                            if relative.endswith(".css") and relative != DOSSIER_STYLESHEET)
    fonts = {relative for relative in files if relative.endswith(FONT_SUFFIXES)}
    used_fonts = {relative for relative in fonts if Path(relative).name in site_styles}
    # a font folder's licence goes with its fonts
    unused_folders = {str(Path(r).parent) for r in fonts} - {str(Path(r).parent) for r in used_fonts}
    return {relative: path for relative, path in files.items()
            if relative != DOSSIER_STYLESHEET and relative not in fonts - used_fonts
            and str(Path(relative).parent) not in unused_folders}


def asset_path(name: str) -> str:
    """Where a content file (evidence, photo, image) is copied in the output."""
    return "assets/" + name.removeprefix("./").removeprefix("assets/")


def static_files(chain: ThemeChain) -> dict[str, Path]:
    """The theme's static files; a child theme's file replaces its parent's."""
    found: dict[str, Path] = {}
    for folder in chain.static_folders():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found[path.relative_to(folder).as_posix()] = path
    return found


def absolute_url(base_url: str | None, path: str) -> str | None:
    if not base_url:
        return None
    return urljoin(base_url.rstrip("/") + "/", path)


def format_number(value: float | None) -> str:
    """Thousands separated, at most two decimals, a real minus sign: 1,200 · 99.95 · −26."""
    if value is None:
        return ""
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def format_amount(value: float, unit: str = "", signed: bool = False) -> str:
    """A number with its unit as people write it: $120,000 · 26 min · 63%."""
    sign = ""
    if signed and value > 0:
        sign = "+"
    elif value < 0:
        sign = "−"
    magnitude = format_number(abs(value))
    if unit in CURRENCY_SYMBOLS:
        return f"{sign}{CURRENCY_SYMBOLS[unit]}{magnitude}"
    if is_currency(unit):
        return f"{sign}{magnitude} {unit}"
    if unit == "%":
        return f"{sign}{magnitude}%"
    return f"{sign}{magnitude} {unit}".rstrip()


def format_compact(value: float, unit: str = "") -> str:
    """A headline number: $1.2M, $120k, 14k h, 63%."""
    size = abs(value)
    for limit, scale, suffix in ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if size >= limit:
            text = f"{size / scale:.1f}".rstrip("0").rstrip(".") + suffix
            sign = "−" if value < 0 else ""
            if unit in CURRENCY_SYMBOLS:
                return f"{sign}{CURRENCY_SYMBOLS[unit]}{text}"
            if unit == "%":
                return f"{sign}{text}%"
            return f"{sign}{text} {unit}".rstrip()
    return format_amount(value, unit)


def format_percent(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:+.0f}%".replace("-", "−")


def format_change(impact: ImpactView) -> str:
    """The change of a before/after impact: −26 min (−63%), or +0.45 pp for percentages."""
    if impact.unit == "%":
        return format_amount(impact.amount, "", signed=True) + " pp"
    change = format_percent(impact.change_percent)
    text = format_amount(impact.amount, impact.unit, signed=True)
    return f"{text} ({change})" if change else text


def format_impact(impact: ImpactView) -> str:
    """One impact in words: 41 → 15 min (−63%), or $120,000 per year."""
    per = f" per {impact.per}" if impact.per else ""
    if impact.value is not None:
        return format_amount(impact.value, impact.unit) + per
    unit = impact.unit
    if unit in CURRENCY_SYMBOLS or unit == "%":
        before = format_amount(impact.before, unit)
    else:
        before = format_number(impact.before)
    text = f"{before} → {format_amount(impact.after, unit)}{per}"
    if unit == "%":
        return f"{text} ({format_change(impact)})"
    change = format_percent(impact.change_percent)
    return f"{text} ({change})" if change else text


def format_total(total: ImpactTotal) -> str:
    per = f"/{total.per}" if total.per else ""
    if total.kind == "best":
        return "up to " + format_compact(total.amount, total.unit) + per
    return format_compact(total.amount, total.unit) + per


def format_date(value: PartialDate | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        value = PartialDate(value.year, value.month, value.day)
    if not value.month:
        return str(value.year)
    if not value.day:
        return f"{MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_period(period: Period | None) -> str:
    if period is None:
        return ""
    return f"{format_date(period.start)} – {format_date(period.end) if period.end else 'now'}"
