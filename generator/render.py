"""Render the case through a theme into files, as bytes in memory; writing is not done here.

Every page gets `root`, the relative way back to the site's top, so the site works from a
domain, a sub-path or straight from the disk (links end in index.html for that reason).
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import json
import os
import pickle
import re
import traceback
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import jinja2
import jinja2.nodes
import jinja2.sandbox
from markupsafe import Markup

from generator.cache import Fingerprints, digest, digest_of_pieces
from generator.cli_text import count
from generator.jsonresume import RESUME_FILE, Reuse, resume_pieces
from generator.load import inside
from generator.markdown import MarkdownRenderer
from generator.model import Model, PartialDate, Period
from generator.numbers import (
    format_amount,
    format_change,
    format_compact,
    format_impact,
    format_number,
    format_percent,
    format_total,
    is_currency,
)
from generator.parallel import Forked, Notices, Turns, can_fork
from generator.problems import Problem, RecordProblems
from generator.themes import ThemeChain, builtin_themes_dir
from generator.views import (
    AchievementView,
    Case,
    CertificationView,
    CompetencyView,
    FeedbackView,
    GoalView,
    LearningView,
    Listing,
    ProjectView,
    TagView,
    TimelineEvent,
    YearView,
)
from generator.vocabulary import CARD_PATH, SECTION_TITLES, page_path, slugify

if TYPE_CHECKING:
    from generator.card import CardPlan, SocialCard

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Spooled:
    """A page written to the spool folder as soon as it was rendered, so that a large site is
    never held in memory whole; the write stage moves it into place, or drops it when the
    page on disk already holds the same bytes."""

    path: str  # where it waits
    size: int
    mtime_ns: int
    content: str  # digest of its bytes, as the write stage's manifest keeps it

    def __reduce__(self) -> tuple:
        # as the values they are made of: a third of the time to read thousands back from a child
        return Spooled, (self.path, self.size, self.mtime_ns, self.content)


@dataclass(frozen=True)
class RenderedSite:
    """What a build writes: generated files (bytes, or spooled to disk), and files copied as they are."""

    files: dict  # relative path -> bytes | Spooled
    copies: dict  # relative path -> source Path


@dataclass(frozen=True)
class Page:
    path: str  # relative to the output folder, e.g. "achievements/x/index.html"
    template: str
    title: str
    section: str
    context: dict
    lastmod: str | None = None  # for the sitemap: when what the page shows last changed

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


def pretty_url(path: str) -> str:
    """The URL a static host serves a page under: without index.html."""
    return path.removesuffix("index.html")


class ContainedLoader(jinja2.FileSystemLoader):
    """Finds templates like Jinja's file loader, but never one that a link leads out of its folder.

    `THEME/NAME` names the template NAME of the theme THEME in the chain, and no other: a
    record's `templates/home.html` extends the theme's with `{% extends "default/home.html" %}`.
    """

    def __init__(self, searchpath: list[str], namespaces: dict[str, Path] | None = None):
        super().__init__(searchpath)
        self.namespaces = {name: jinja2.FileSystemLoader(str(folder)) for name, folder in (namespaces or {}).items()}
        self.sources: dict[str, str] = {}  # file name -> the source last loaded from it
        self.real_folders = tuple(os.path.realpath(folder) + os.sep for folder in self.searchpath)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        theme, _, rest = template.partition("/")
        if rest and theme in self.namespaces:
            source, filename, uptodate = self.namespaces[theme].get_source(environment, rest)
        else:
            source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if not real.startswith(self.real_folders):
            raise RecordProblems([Problem(Path(filename), 1, 1, "this template is a link to a place outside its "
                                          "folder, which careerfolio never reads",
                                          "copy the template itself into the folder")])
        self.sources[filename] = source
        return source, filename, uptodate


def template_problem(error: BaseException) -> Problem | None:
    """A mistake in a template as a located problem, or None when no template is to blame.

    Jinja maps its tracebacks to template files and lines, so the innermost template frame
    is where the template went wrong, whatever went wrong there.
    """
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(Path(error.filename or error.name or "template"), error.lineno or 1, 1,
                       f"template syntax error: {error.message}",
                       "see Jinja's template syntax; every block needs its end tag")
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename.endswith(TEMPLATE_SUFFIXES) and os.path.isfile(frame.filename)]
    if isinstance(error, jinja2.TemplateNotFound):
        message = f"there is no template '{error.name}'"
        hint = error.message if "is a link" in (error.message or "") else \
            "`careerfolio themes` lists the themes whose templates can be used"
    elif isinstance(error, jinja2.exceptions.SecurityError):
        message = f"the template reaches for something templates may not use ({error})"
        hint = "templates show the record; they cannot call into Python"
    elif isinstance(error, jinja2.UndefinedError):
        message = f"the template reads something that is not there: {error.message}"
        hint = "see the variables templates can use in docs/templates.md"
    elif frames:
        message = f"the template failed: {type(error).__name__}: {error}"
        hint = "check the values this line passes to filters"
    else:
        return None
    if not frames:
        return Problem(Path("templates"), 1, 1, message, hint)
    return Problem(Path(frames[-1].filename), frames[-1].lineno or 1, 1, message, hint)


TEMPLATE_SUFFIXES = (".html", ".xml", ".htm", ".j2", ".txt")


class ParsedOnce:
    """An environment that compiles a template from the tree its analysis parsed (see
    `Templates.reads`) instead of parsing its source again: parsing is a third of compiling."""

    analysed: dict[str, jinja2.nodes.Template]

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        # taken once: compiling changes the tree (it folds constants)
        tree = self.analysed.pop(source, None)
        return tree if tree is not None else super()._parse(source, name, filename)  # type: ignore[misc]


class TrustedEnvironment(ParsedOnce, jinja2.Environment):
    pass


class SandboxedEnvironment(ParsedOnce, jinja2.sandbox.ImmutableSandboxedEnvironment):
    pass


def describe_change(move: Any) -> str:
    """One change in words: `title: Old → New`, `Cost: was …, now …`, `… (new)`, `… (removed)`."""
    # the changes' module is imported only by a build that looks back at a review
    from generator.changes import describe_move

    return describe_move(move)


def make_environment(chain: ThemeChain, record_root: Path | None, markdown: MarkdownRenderer,
                     bytecode_folder: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment for one build: autoescaped, strict about undefined names."""
    folders = chain.template_folders(record_root)
    # A record's own templates and themes may come from a pull request: they run sandboxed, and
    # so does every template beside them. careerfolio's built-in templates are its own code;
    # alone, they run without the sandbox's cost (record values are text, never templates).
    builtin = Path(os.path.realpath(builtin_themes_dir()))
    trusted = all(inside(folder, builtin) for folder in folders)
    kind = TrustedEnvironment if trusted else SandboxedEnvironment
    bytecode_cache = None
    if bytecode_folder is not None:
        # code compiled for the sandbox calls the sandbox's checks, which a plain environment
        # lacks: each kind keeps its own compiled templates
        bytecode_folder = bytecode_folder / ("trusted" if trusted else "sandboxed")
        try:
            bytecode_folder.mkdir(parents=True, exist_ok=True)
            bytecode_cache = jinja2.FileSystemBytecodeCache(str(bytecode_folder))
        except OSError:
            bytecode_cache = None  # compiling is only slower
    environment = kind(
        bytecode_cache=bytecode_cache,
        loader=ContainedLoader([str(folder) for folder in folders], chain.namespaces()),
        autoescape=jinja2.select_autoescape(("html", "xml", "htm", "j2"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # an environment serves one build, or builds whose templates did not change: a template
        # used by each page (its base, the macros) need not be looked at on disk for each page
        auto_reload=False,
    )
    environment.markdown_renderer = markdown  # `Templates.start_build` gives it the next build's
    environment.analysed = {}  # source -> the tree `Templates.reads` parsed, for compiling it

    @jinja2.pass_context
    def markdown_filter(context: Any, text: str | None, inline: bool = False, ids: str = "") -> Markup:
        """Markdown of the record as HTML: `inline=True` for one line without a paragraph; `ids` prefixes
        heading and footnote ids (`ids="a-" ~ achievement.id`) so stories can share a page."""
        return Markup(environment.markdown_renderer.render(text, context.get("asset_root", context["root"]),
                                                          inline=inline, ids=ids))

    @jinja2.pass_context
    def url_filter(context: Any, path: str) -> str:
        """A path of the site (`achievement.path`, `'css/site.css'`) as a link from the current page:
        relative, so the site works from any folder and from the disk."""
        return context["root"] + path

    @jinja2.pass_context
    def absolute_filter(context: Any, path: str) -> str:
        """A path of the site as a full address, for what is read away from the site: robots.txt,
        previews, structured data. Empty without base_url."""
        return absolute_url(context["case"].base_url, path) or ""

    environment.filters.update(
        markdown=markdown_filter, url=url_filter, absolute=absolute_filter, without_empty=without_empty,
        date=format_date, period=format_period,
        amount=format_amount, compact=format_compact, impact=format_impact, change=format_change, total=format_total,
        percent=format_percent, number=format_number, slug=slugify, iso=iso_date,
        minus=with_minus_sign, move=describe_change, count=count,
        tojson_compact=json_for_script,
    )
    environment.globals.update(page_path=page_path, asset_path=asset_path, titles=SECTION_TITLES, is_currency=is_currency)
    return environment


# A list page shows at most this many rows before it links earlier years to pages of their own.
LIST_LIMIT = 200


def listing(years: tuple[YearView, ...], size: Callable[[YearView], int]) -> Listing:
    """The newest whole years that fit in LIST_LIMIT rows (at least one), and the years after them."""
    if sum(size(year) for year in years) <= LIST_LIMIT:
        return Listing(years, ())
    shown, rows = [], 0
    for year in years:
        if shown and rows + size(year) > LIST_LIMIT:
            break
        shown.append(year)
        rows += size(year)
    return Listing(tuple(shown), years[len(shown):])


def plan_site_pages(case: Case) -> Iterator[Page]:
    """Every page of the site and the template that draws it."""
    # each entry's date as the sitemap gives it, asked once: at 10,000 achievements, asking
    # twice was a fifth of the site's plan
    achievement_dates = [achievement.lastmod for achievement in case.achievements]
    newest = None
    for page in _plan_site_pages(case, achievement_dates):
        if page.lastmod is None and page.path.endswith(".html"):
            # a page that lists entries changed when the newest of them did
            newest = newest or newest_change(case, achievement_dates)
            page = replace(page, lastmod=newest)
        yield page


def newest_change(case: Case, achievement_dates: list[str]) -> str | None:
    return max([*achievement_dates, *(date for date in (project.lastmod for project in case.projects) if date)],
               default=None)


def _plan_site_pages(case: Case, achievement_dates: list[str]) -> Iterator[Page]:
    titles = {section.name: section.title for section in case.sections}
    yield Page("index.html", "home.html", case.title, "home", {})
    achievements = listing(tuple(y for y in case.years if y.achievements), lambda year: len(year.achievements))
    timeline = listing(tuple(y for y in case.years if y.events), lambda year: len(year.events))
    yield Page("achievements/index.html", "achievements.html", "Achievements", "achievements",
               {"listing": achievements})
    years_with_pages = {year.year for year in achievements.earlier + timeline.earlier}
    for year in case.years:
        if year.year in years_with_pages:
            yield Page(page_path("years", str(year.year)), "year.html", str(year.year), "timeline",
                       {"year": year})
    for achievement, date in zip(case.achievements, achievement_dates):
        yield Page(page_path("achievements", achievement.id), "achievement.html", achievement.title,
                   "achievements", {"achievement": achievement}, date)
    yield Page("projects/index.html", "projects.html", "Projects", "projects", {})
    for project in case.projects:
        yield Page(page_path("projects", project.id), "project.html", project.title, "projects",
                   {"project": project})
    yield Page("competencies/index.html", "competencies.html", titles["competencies"], "competencies", {})
    for competency in case.competencies:
        yield Page(page_path("competencies", competency.id), "competency.html", competency.name,
                   "competencies", {"competency": competency})
    yield Page("timeline/index.html", "timeline.html", SECTION_TITLES["timeline"], "timeline",
               {"listing": timeline})
    for section in ("certifications", "goals", "feedback", "learning"):
        if section in titles:
            yield Page(f"{section}/index.html", f"{section}.html", titles[section] if section != "goals"
                       else "Goals and plan", section, {})
    yield Page("tags/index.html", "tags.html", "Tags", "tags", {})
    for tag in case.tags:
        yield Page(page_path("tags", tag.slug), "tag.html", f"Tagged “{tag.name}”", "tags", {"tag": tag})
    yield Page("404.html", "404.html", "Page not found", "404", {})
    yield Page("robots.txt", "robots.txt", "", "", {})
    if case.base_url:
        yield Page("sitemap.xml", "sitemap.xml", "", "", {})
        yield Page("feed.xml", "feed.xml", "", "", {})


# Fields of the case that are small and shown on every page; a page that reads only these
# (and its own entry) need not be rendered again when another entry changes.
PAGE_WIDE_FIELDS = frozenset({"title", "audience", "purpose", "sections", "today", "language", "base_url",
                              "profile", "framework",
                              "level", "since", "until", "coverage", "plan_progress", "left_out"})
# What every page's context holds besides the case; each is part of the page's key.
FRAME_NAMES = frozenset({"page", "root", "asset_root", "canonical"})


@dataclass(frozen=True)
class TemplateReads:
    """What a template, with everything it extends, includes and imports, reads from its context."""

    names: frozenset  # context names it reads
    case_fields: frozenset | None  # the case's fields it reads; None: it may read any
    source_digest: str  # of every template source involved

    @functools.cached_property
    def keyed_names(self) -> tuple[str, ...]:
        """The names a page's key covers, in order: all it reads but the page's frame."""
        return tuple(sorted(self.names - FRAME_NAMES))

    @functools.cached_property
    def keyed_fields(self) -> tuple[tuple[str, bytes], ...]:
        """The case's fields a page's key covers, in order, each with its name as bytes."""
        return tuple((name, name.encode()) for name in sorted(self.case_fields or ()))


class Templates:
    """The templates of one build's theme, compiled once and shared by the site and the dossier.

    `analyses` maps a template's source digest to what it reads; the pipeline keeps it
    between builds, since parsing templates costs more than rendering a few pages.
    `fragments` holds the macro calls rendered through `cached` (see `Fragments`), kept
    between builds; `salt` stands for what else their output depends on. A process that
    builds again with the same template files (serve) keeps its Templates (`start_build`).
    """

    def __init__(self, chain: ThemeChain, record_root: Path | None, markdown: MarkdownRenderer,
                 bytecode_folder: Path | None = None, analyses: dict | None = None,
                 options: dict[str, Any] | None = None, fragments: dict | None = None, salt: str = ""):
        self.markdown = markdown
        self.environment = make_environment(chain, record_root, markdown, bytecode_folder)
        # the theme's options, its defaults under the record's choices (see themes.resolve_options)
        self.options = options if options is not None else {name: option.default
                                                             for name, option in chain.options.items()}
        self.environment.globals["theme_options"] = self.options
        self.compiled: dict[str, jinja2.Template] = {}
        self.reads_cache: dict[str, TemplateReads] = {}
        self.analyses = analyses if analyses is not None else {}
        # whether the Markdown, fragments and analyses that forked children make are handed
        # back (see `Elsewhere`): only for a cache that outlives the build
        self.hand_back = True
        self.start_build(markdown, fragments, salt)

    def start_build(self, markdown: MarkdownRenderer, fragments: dict | None = None, salt: str = "") -> None:
        """Serve another build with the same templates: its Markdown, its fragments."""
        self.markdown = self.environment.markdown_renderer = markdown
        self.fragments = Fragments(self.environment, fragments, self.analyses, salt)
        self.environment.globals["cached"] = self.fragments.call

    def get(self, name: str) -> jinja2.Template:
        template = self.compiled.get(name)
        if template is None:
            self.reads(name)  # finds what cannot be rendered, such as a template that extends itself
            template = self.compiled[name] = self.environment.get_template(name)
        return template

    def reads(self, name: str) -> TemplateReads:
        """What rendering `name` may depend on: the names read by it and every template it uses."""
        if name in self.reads_cache:
            return self.reads_cache[name]
        names: set[str] = set()
        fields: set[str] | None = set()
        sources = []
        pending, seen = [name], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            source, filename, _ = self.environment.loader.get_source(self.environment, current)
            source_digest = digest(current, source)
            sources.append(source_digest)
            analysis = self.analyses.get(source_digest)
            if analysis is None:
                tree = self.environment.parse(source, current, filename)
                analysis = self.analyses[source_digest] = analyse_template(tree)
                if current not in self.compiled:
                    self.environment.analysed[source] = tree
            read_names, read_fields, referenced = analysis
            names |= read_names
            fields = None if read_fields is None or fields is None else fields | read_fields
            for other, line in referenced:
                if other is None:  # a template chosen at render time: anything may be read
                    fields = None
                    continue
                if other == current:  # the name finds this very file again: it would recurse for ever
                    themes = [theme for theme, loader in self.environment.loader.namespaces.items()
                              if current in loader.list_templates()
                              and os.path.realpath(loader.get_source(self.environment, current)[1])
                              != os.path.realpath(filename)]
                    hint = (f"to build on the theme's own, write '{themes[0]}/{current}'" if themes else
                            "extend or include another template")
                    raise RecordProblems([Problem(Path(filename), line, 1,
                                                  f"this template uses itself ('{current}')", hint)])
                try:
                    self.environment.loader.get_source(self.environment, other)
                except jinja2.TemplateNotFound as error:
                    why = error.message if "is a link" in (error.message or "") else \
                        "`careerfolio themes` lists the themes whose templates can be used"
                    raise RecordProblems([Problem(Path(filename), line, 1, f"there is no template '{other}'",
                                                  why)]) from None
                pending.append(other)
        if fields is not None and not fields <= PAGE_WIDE_FIELDS:
            fields = None
        reads = TemplateReads(frozenset(names), frozenset(fields) if fields is not None else None,
                              digest(*sorted(sources)))
        self.reads_cache[name] = reads
        return reads


class Fragments:
    """The `cached(macro, ...)` of templates: a macro's output kept by what it is made from.

    A row of an achievement appears on the list of achievements, its year, each of its tags
    and competencies, and its project: rendered once for each depth of page (its links are
    relative) instead of once for each, and after an edit only where the edit changed it (the
    build cache keeps the output for every value the case still holds). The key is the
    macro's source, its name, the fingerprints of its arguments, what the filters read of the
    page (its root, its assets' root, the site's address) and the `salt`. A macro that reads
    anything else of the page, or reaches for other templates, is simply called: the output
    is the same either way, only slower.
    """

    def __init__(self, environment: jinja2.Environment, kept: dict | None = None, analyses: dict | None = None,
                 salt: str = ""):
        self.environment = environment
        # key -> the output as text (a 1-tuple when the macro gave plain text, not Markup):
        # the keys begin with the first argument's fingerprint, by which the cache shards them
        self.kept = kept if kept is not None else {}
        self.salt = salt  # what else the output depends on: the theme's options, raw HTML allowed
        self.made: list[tuple] = []  # the keys this process rendered, in order
        self.fingerprints: Fingerprints | None = None  # the build's, shared with the page keys
        self.reads: dict[tuple[str, str], tuple | None] = {}  # (file, macro) -> (source digest, names it reads)
        # ("macros", source digest) -> {macro: names it reads}, kept between builds like the templates'
        self.analyses = analyses if analyses is not None else {}

        def call(context: jinja2.runtime.Context, macro: Any, *arguments: Any, **keywords: Any) -> Any:
            return self._call(context, macro, *arguments, **keywords)

        self.call = jinja2.pass_context(call)

    def _call(self, context: jinja2.runtime.Context, macro: Any, *arguments: Any, **keywords: Any) -> Any:
        if not isinstance(macro, jinja2.runtime.Macro):
            raise TypeError(f"cached() takes a macro, such as ui.achievement_row, not {type(macro).__name__}")
        key = self._key(context, macro, arguments, keywords)
        if key is None:
            return macro(*arguments, **keywords)
        found = self.kept.get(key)
        if found is None:
            output = macro(*arguments, **keywords)
            # kept as text: a cache of Markup objects loads three times slower
            self.kept[key] = str(output) if isinstance(output, Markup) else (output,)
            self.made.append(key)
            return output
        return Markup(found) if type(found) is str else found[0]

    def made_since(self, count: int) -> dict:
        """What this process rendered after its first `count` renderings, for the process it was forked from."""
        return {key: self.kept[key] for key in self.made[count:]}

    def take(self, made: dict) -> None:
        """Keep what a forked process rendered."""
        self.kept.update(made)
        self.made.extend(made)

    def _key(self, context: jinja2.runtime.Context, macro: jinja2.runtime.Macro, arguments: tuple,
             keywords: dict) -> tuple | None:
        filename = macro._func.__code__.co_filename
        found = self.reads.get((filename, macro.name), False)
        if found is False:
            source = getattr(self.environment.loader, "sources", {}).get(filename)
            found = None
            if source is not None:
                source_digest = digest(filename, source)
                macros = self.analyses.get(("macros", source_digest))
                if macros is None:
                    tree = self.environment.parse(source)
                    macros = self.analyses["macros", source_digest] = {
                        node.name: macro_reads(tree, node.name) for node in tree.body
                        if isinstance(node, jinja2.nodes.Macro)}
                found = (source_digest, macros.get(macro.name))
            self.reads[(filename, macro.name)] = found
        if found is None or found[1] is None:
            return None
        source_digest, names = found
        globals_ = self.environment.globals
        if any(name not in globals_ or context.resolve_or_missing(name) is not globals_[name] for name in names):
            return None  # it reads the page: its output is the page's own
        fingerprints = self.fingerprints
        if fingerprints is None:
            fingerprints = self.fingerprints = site_fingerprints()
        case = context.resolve_or_missing("case")
        try:
            given = (*(fingerprints.of(argument) for argument in arguments),
                     *(name.encode() + fingerprints.of(value) for name, value in sorted(keywords.items())))
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return None  # an argument that is no value of the record, such as a macro: just called
        return (*given, source_digest, macro.name, context.resolve_or_missing("root"),
                context.resolve_or_missing("asset_root"), getattr(case, "base_url", None), self.salt)


def keep_live_fragments(kept: dict, live: Collection[bytes]) -> dict:
    """The fragments whose first argument is still among the values of the case (by
    fingerprint): the cache keeps what the next build may show, and nothing older."""
    return {key: output for key, output in kept.items() if key[0] in live}


def macro_reads(tree: jinja2.nodes.Template, name: str) -> frozenset[str] | None:
    """The names the macro `name` of a template, with the macros beside it that it calls, reads
    from the page (a superset); None when it reaches further: it includes or imports, or is
    not a macro of the template's top level."""
    macros = {node.name: node for node in tree.body if isinstance(node, jinja2.nodes.Macro)}
    reads: set[str] = set()
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        macro = macros.get(current)
        if macro is None:
            return None
        found: set[str] = set()
        bound = {argument.name for argument in macro.args} | {"caller", "varargs", "kwargs"}
        for default in macro.defaults:
            _expression_reads(default, bound, found)
        if not _statement_reads(macro.body, bound, found):
            return None
        pending.extend(other for other in found if other in macros)  # a macro beside it: what it reads too
        reads.update(other for other in found if other not in macros)
    return frozenset(reads)


def _expression_reads(node: jinja2.nodes.Node, bound: set[str], found: set[str]) -> None:
    for name in node.find_all(jinja2.nodes.Name):
        if name.ctx == "load" and name.name not in bound:
            found.add(name.name)
    if isinstance(node, jinja2.nodes.Name) and node.ctx == "load" and node.name not in bound:
        found.add(node.name)


def _targets(target: jinja2.nodes.Node, bound: set[str], found: set[str]) -> set[str]:
    """The names an assignment's target binds; a namespace it writes into is read."""
    for reference in ([target] if isinstance(target, jinja2.nodes.NSRef) else []) + \
            list(target.find_all(jinja2.nodes.NSRef)):
        if reference.name not in bound:
            found.add(reference.name)
    names = {node.name for node in target.find_all(jinja2.nodes.Name)}
    if isinstance(target, jinja2.nodes.Name):
        names.add(target.name)
    return names


def _statement_reads(body: list, outer: set[str], found: set[str]) -> bool:
    """Add the names `body` reads that it does not bind itself to `found`, scope by scope as
    Jinja resolves them; False for a statement this does not follow."""
    nodes = jinja2.nodes
    bound = set(outer)  # a `set` binds from there on, in this scope only
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                _expression_reads(child, bound, found)
        elif isinstance(node, nodes.For):
            _expression_reads(node.iter, bound, found)
            inner = bound | _targets(node.target, bound, found) | {"loop"}
            if node.test is not None:
                _expression_reads(node.test, inner, found)
            if node.recursive or not _statement_reads(node.body, inner, found) or \
                    not _statement_reads(node.else_, bound, found):
                return False
        elif isinstance(node, nodes.If):
            _expression_reads(node.test, bound, found)
            branches = [node.body, node.else_] + [branch.body for branch in node.elif_]
            for branch in node.elif_:
                _expression_reads(branch.test, bound, found)
            if not all(_statement_reads(branch, bound, found) for branch in branches):
                return False
        elif isinstance(node, nodes.Assign):
            _expression_reads(node.node, bound, found)
            bound |= _targets(node.target, bound, found)
        elif isinstance(node, nodes.AssignBlock):
            if node.filter is not None:
                _expression_reads(node.filter, bound, found)
            if not _statement_reads(node.body, bound, found):
                return False
            bound |= _targets(node.target, bound, found)
        elif isinstance(node, nodes.With):
            for value in node.values:
                _expression_reads(value, bound, found)
            inner = set(bound)
            for target in node.targets:
                inner |= _targets(target, bound, found)
            if not _statement_reads(node.body, inner, found):
                return False
        elif isinstance(node, nodes.FilterBlock):
            _expression_reads(node.filter, bound, found)
            if not _statement_reads(node.body, bound, found):
                return False
        elif isinstance(node, (nodes.Scope, nodes.ScopedEvalContextModifier)):
            if isinstance(node, nodes.ScopedEvalContextModifier):
                for option in node.options:
                    _expression_reads(option.value, bound, found)
            if not _statement_reads(node.body, bound, found):
                return False
        elif isinstance(node, nodes.ExprStmt):
            _expression_reads(node.node, bound, found)
        elif not isinstance(node, (nodes.Continue, nodes.Break)):
            return False  # includes, imports, calls with a body, macros within macros, blocks
    return True


def analyse_template(tree: jinja2.nodes.Template) -> tuple[frozenset, frozenset | None, tuple]:
    """The names a template reads (a superset: loop variables too), the `case.X` fields it reads
    (None when it uses the case any other way), and the templates it extends, includes or
    imports, each with its line (None for a name chosen at render time)."""
    names: set[str] = set()
    fields: set[str] | None = set()
    stack: list[tuple[jinja2.nodes.Node, jinja2.nodes.Node | None]] = [(tree, None)]
    while stack:
        node, parent = stack.pop()
        if isinstance(node, jinja2.nodes.Name) and node.ctx == "load":
            names.add(node.name)
            if node.name == "case" and fields is not None:
                if isinstance(parent, jinja2.nodes.Getattr) and parent.node is node:
                    fields.add(parent.attr)
                else:
                    fields = None
        stack.extend((child, node) for child in node.iter_child_nodes())
    referenced = []
    for node in tree.find_all((jinja2.nodes.Extends, jinja2.nodes.Include, jinja2.nodes.Import,
                               jinja2.nodes.FromImport)):
        target = node.template
        if isinstance(target, jinja2.nodes.Const) and isinstance(target.value, str):
            referenced.append((target.value, node.lineno))
        elif isinstance(target, (jinja2.nodes.Tuple, jinja2.nodes.List)) and all(
                isinstance(item, jinja2.nodes.Const) for item in target.items):
            referenced.extend((item.value, node.lineno) for item in target.items[:1])
        else:
            referenced.append((None, node.lineno))
    return frozenset(names), frozenset(fields) if fields is not None else None, tuple(referenced)


def page_context(case: Case, page: Page, site_urls: list[SiteUrl], card: SocialCard | None) -> dict:
    root = page.root
    canonical = absolute_url(case.base_url, pretty_url(page.path))
    if page.path == "404.html" and case.base_url:
        # a host serves 404.html at any depth: only a root-relative path finds the styles; and
        # it is the answer at addresses that are not pages, so it names no address of its own
        root = urlsplit(case.base_url).path.rstrip("/") + "/"
        canonical = None
    return {"case": case, "page": page, "root": root, "asset_root": root, "canonical": canonical,
            "site_urls": site_urls, "card": card, **page.context}


class SiteUrl(NamedTuple):
    """A page as the sitemap lists it."""

    path: str  # relative to the site's root
    lastmod: str | None  # W3C date: YYYY, YYYY-MM or YYYY-MM-DD


def site_urls_of(pages: list[Page]) -> list[SiteUrl]:
    return [SiteUrl(pretty_url(p.path), p.lastmod) for p in pages
            if p.path.endswith(".html") and p.path != "404.html"]


# Views that many pages show: a page's key is built from their fingerprints, each made once.
SHARED_VIEWS = frozenset({AchievementView, ProjectView, CertificationView, GoalView, FeedbackView, LearningView,
                          CompetencyView, TagView, TimelineEvent, YearView})


def model_classes() -> tuple[type, ...]:
    """Every pydantic model of the record, to fingerprint by its JSON."""
    found, pending = [], [Model]
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return tuple(found)


def site_fingerprints() -> Fingerprints:
    """Fingerprints of one build's views: made once, shared by the page keys and resume.json."""
    return Fingerprints(SHARED_VIEWS, model_classes())


def page_keys(case: Case, templates: Templates, salt: str, case_key: str,
              fingerprints: Fingerprints | None = None, card: CardPlan | None = None,
              known: dict | None = None, pages: list[Page] | None = None,
              only: Collection[str] | None = None, site_urls: list[SiteUrl] | None = None) -> dict[str, str]:
    """A key for every page: the same key means the same bytes, so the page need not be rendered.

    The key covers the page's template sources, its place, its own entry, and only the parts
    of the case its templates read: an achievement's page does not change when another
    achievement does, while the lists that show every achievement do. `case_key` stands for
    the whole case (a digest of everything it is built from), for the pages that read it all.
    The social card's key is its plan's: what it says, in which fonts and colours. `known`
    maps each page to the parts and key of the last build's, and is brought up to date: a page
    whose parts are the same keeps its key without digesting them again. `pages` is the
    site's plan (and `site_urls` its sitemap's), when the caller has it already; with `only`,
    just those pages' keys are made.
    """
    pages = pages if pages is not None else list(plan_site_pages(case))
    site_urls = site_urls if site_urls is not None else site_urls_of(pages)
    announced = announced_card(case)
    fingerprints = fingerprints if fingerprints is not None else site_fingerprints()
    keys = {}
    if card is not None and (only is None or CARD_PATH in only):
        keys[CARD_PATH] = digest(salt, card.key)
    case_parts: dict[int, list] = {}  # id(reads) -> the parts of the case its pages read
    for page in pages:
        if only is not None and page.path not in only:
            continue
        reads = templates.reads(page.template)
        context = page_context(case, page, site_urls, announced)
        parts: list[bytes | str] = [salt, reads.source_digest, page.path, page.template, page.title,
                                    page.section, context["root"], context["canonical"] or "",
                                    case.base_url or ""]  # what the `absolute` filter reads
        for name in reads.keyed_names:
            if name == "case":
                shared = case_parts.get(id(reads))
                if shared is None:  # the same for every page of the template: made once
                    shared = case_parts[id(reads)] = ["whole case " + case_key] if reads.case_fields is None else [
                        encoded + fingerprints.of(getattr(case, field_name))
                        for field_name, encoded in reads.keyed_fields]
                parts.extend(shared)
            elif name in context:
                parts.append(name.encode() + fingerprints.of(context[name]))
        if known is None:
            keys[page.path] = digest(*parts)
            continue
        earlier = known.get(page.path)
        if earlier is None or earlier[0] != parts:
            earlier = known[page.path] = (parts, digest(*parts))
        keys[page.path] = earlier[1]
    if known is not None and only is None:
        for gone in known.keys() - keys.keys():
            del known[gone]
    if only is None or RESUME_FILE in only:
        # resume.json is made from the whole case, so it changes whenever the case may
        keys[RESUME_FILE] = digest(salt, RESUME_FILE, case_key)
    return keys


def plan_site_card(case: Case, chain: ThemeChain) -> CardPlan | None:
    """The social card the site's pages point previews to; only with `base_url`, since a
    preview needs the card's absolute address."""
    if not case.base_url:
        return None
    from generator.card import plan_card

    return plan_card(case, static_files(chain))


def announced_card(case: Case) -> SocialCard | None:
    """The card as pages announce it (see `card.social_card`): none without `base_url`, and
    then the card's module is not even imported."""
    if not case.base_url:
        return None
    from generator.card import social_card

    return social_card(case)


def render_site(case: Case, templates: Templates, chain: ThemeChain, content_dir: Path,
                skip: Collection[str] = frozenset(), reuse: Reuse | None = None,
                card: CardPlan | None = None, spool: Path | None = None,
                pages: list[Page] | None = None, site_urls: list[SiteUrl] | None = None) -> RenderedSite:
    """Render every site page but those in `skip`, draw the social card of `card` unless it is
    skipped too, and list the static and content files the site needs.

    `reuse` holds what an earlier build encoded of resume.json's achievements. With `spool`,
    the pages go to that folder as they are rendered (see `Spooled`); `pages` is the site's
    plan (and `site_urls` its sitemap's), when the caller has it already."""
    pages = pages if pages is not None else list(plan_site_pages(case))
    site_urls = site_urls if site_urls is not None else site_urls_of(pages)
    # resume.json's achievements are encoded beside the pages, on every core, and it is put
    # together while the pages are still rendered, if it can be
    resume = None if RESUME_FILE in skip else functools.partial(encode_resume, case, reuse, spool)
    files = render_pages(case, templates, [page for page in pages if page.path not in skip], site_urls, spool,
                         reuse if resume is not None else None, resume)
    if resume is not None and RESUME_FILE not in files:
        files[RESUME_FILE] = resume()
    if card is not None and CARD_PATH not in skip:
        from generator.card import draw_card

        files[CARD_PATH] = draw_card(card).png
    copies = site_static_files(static_files(chain), chain.dossier_stylesheet)
    copies.update({asset_path(name): content_dir / name for name in case.assets})
    return RenderedSite(files, copies)


# Below this many pages, a second process costs more than it saves.
PARALLEL_PAGES = 300


def in_several_processes(parts: int) -> bool:
    """Whether `render_pages` shares this many parts of a site (pages, and resume.json's
    achievements to encode) with forked children, rather than doing them all here."""
    return parts >= PARALLEL_PAGES and can_fork()


def encode_resume(case: Case, reuse: Reuse | None, spool: Path | None = None) -> bytes | Spooled:
    """resume.json (written to `spool` when a large site is spooled); `reuse` notes the
    achievements' encodings it used, for the next build to reuse."""
    pieces = resume_pieces(case, reuse)
    return b"".join(pieces) if spool is None else spool_file(spool, RESUME_FILE, pieces, set())


class Elsewhere(Forked):
    """A rendering job run in a forked child while this process goes on (see `Forked`). What
    the child made that the build cache keeps crosses back with its result and joins this
    process's: the Markdown it rendered (and word of the cached Markdown it used), the
    `cached` fragments it rendered, and what it learnt of templates it parsed (without it a
    new process parsed the dossier's template again at every build); unless no cache
    outlives the build (`Templates.hand_back`)."""

    def __init__(self, templates: Templates, job: Callable[[], Any]):
        self.templates, self.rendering = templates, job
        self.markdown, self.fragments = templates.markdown, templates.fragments
        self.known = list(self.markdown.rendered)  # as the child finds them; it names them by number
        self.fragments_made = len(self.fragments.made)
        self.analyses_known = frozenset(templates.analyses)
        super().__init__(self._render)

    def _render(self) -> tuple[Any, dict, list[int], dict, dict]:
        value = self.rendering()
        if not self.templates.hand_back:  # nothing keeps them: not worth their pickling, nor the memory
            return value, {}, [], {}, {}
        number = {key: index for index, key in enumerate(self.known)}
        used = self.markdown.used
        return (value, {key: self.markdown.rendered[key] for key in used if key not in number
                        and key in self.markdown.rendered}, [number[key] for key in used if key in number],
                self.fragments.made_since(self.fragments_made),
                {key: analysis for key, analysis in self.templates.analyses.items()
                 if key not in self.analyses_known})

    def result(self) -> Any:
        value, rendered, used_known, fragments, analyses = super().result()
        self.markdown.rendered.update(rendered)
        self.markdown.used.update(rendered)
        self.markdown.used.update(self.known[index] for index in used_known)
        self.fragments.take(fragments)
        for key, analysis in analyses.items():
            self.templates.analyses.setdefault(key, analysis)
        return value


def render_pages(case: Case, templates: Templates, pages: list[Page], site_urls: list[SiteUrl],
                 spool: Path | None = None, reuse: Reuse | None = None,
                 resume: Callable[[], bytes | Spooled] | None = None) -> dict[str, bytes | Spooled]:
    """Each page's bytes (or, with `spool`, its spooled file), rendered on every core for a
    large site; the same bytes as one by one. With `reuse`, the achievements of resume.json
    it does not know are encoded on every core too, into `reuse.used`; once all are, this
    process makes `resume` (resume.json) while the others go on with the pages, if any are
    left, and it is among the files.

    The work is taken a few parts at a time by whichever process is free (see `Turns`), so
    that all end together. A forked child shares this process's memory until one of them
    writes to it, and rendering writes all over what it reads (Python counts references in
    the objects themselves): a child that rendered for the whole build ended holding its own
    copy of much of the build's memory. So a child ends once it has copied about
    GENERATION_MIB (see `PageWork.run`), and a new one is forked in its place."""
    todo = reuse.unknown(case.achievements) if reuse is not None else []
    if not in_several_processes(len(pages) + len(todo)):
        return _render_share(case, templates, pages, site_urls, spool)
    for name in dict.fromkeys(page.template for page in pages):
        templates.get(name)  # compiled here once, and the children inherit them compiled
    work = PageWork(case, templates, pages, site_urls, spool, reuse, todo)
    children = {slot: Elsewhere(templates, functools.partial(work.run, slot))  # slot -> the child taking turns there
                for slot in range(min(os.cpu_count() or 1, 4) - 1)}
    retiring: list[Elsewhere] = []  # children that took their last turn, whose answers are not read yet
    # the children that may hold encodings: once all are back, resume.json can be put together
    encoding = set(children.values()) if work.encoding_turns else set()
    encodings_taken = not work.encoding_turns
    files: dict[str, bytes | Spooled] = {}
    try:
        while (turn := work.turns.take()) is not None:
            files.update(work.do(turn)[0])
            encodings_taken = encodings_taken or turn >= work.encoding_turns  # turns are taken in order
            # a child that copied its share of memory says so, and a fresh one takes its place at
            # once (if any turn is left), while it hands its work over and ends
            for slot in work.stops.received():
                if slot not in children:  # said again by a job run here for a child that failed
                    continue
                retiring.append(children.pop(slot))
                if work.turns.left():
                    children[slot] = Elsewhere(templates, functools.partial(work.run, slot))
                    if not encodings_taken:
                        encoding.add(children[slot])
            for child in [child for child in retiring if child.finished()]:
                retiring.remove(child)
                _collect(child, files, reuse)
                encoding.discard(child)
            if resume is not None and encodings_taken and not encoding:
                files[RESUME_FILE], resume = resume(), None
        for child in [*retiring, *children.values()]:
            _collect(child, files, reuse)
    except BaseException:
        for child in [*retiring, *children.values()]:
            child.cancel()
        raise
    finally:
        work.close()
    # a child that failed handed its job back, and this process found no turn left to take:
    # the pages the child had taken are rendered here, where their error is raised (and the
    # achievements it had taken are encoded with resume.json)
    missing = [page for page in work.pages if page.path not in files]
    if missing:
        files.update(_render_share(case, templates, missing, site_urls, spool))
    return files


def _collect(child: Elsewhere, files: dict[str, bytes | Spooled], reuse: Reuse | None) -> None:
    made, encoded = child.result()
    files.update(made)
    if reuse is not None:
        reuse.used.update(encoded)


# Pages a process takes at a time: few enough that all end together, enough that taking costs nothing.
PAGES_A_TURN = 8

# The memory a forked child of `render_pages` may copy before it ends and another takes its
# place. Each new child costs a fork (~10 ms at 10,000 achievements) and copies again what
# every page reads (~12 MiB there): a clean build at 10,000 has about six in turn, and its
# peak was a quarter lower for it (389 MiB instead of 525); at 1,000 no child gets there.
GENERATION_MIB = 64


class PageWork:
    """The parts of a site that split well, in turns: resume.json's achievements to encode
    (`todo`, with `reuse`), then the pages, the few pages of a template (the lists, the
    years: the long ones) first, so that the last turns are short ones and no process is
    left rendering a long page alone at the end."""

    def __init__(self, case: Case, templates: Templates, pages: list[Page], site_urls: list[SiteUrl],
                 spool: Path | None, reuse: Reuse | None, todo: list):
        of_template = collections.Counter(page.template for page in pages)
        self.case, self.templates, self.site_urls, self.spool, self.reuse = case, templates, site_urls, spool, reuse
        self.pages = sorted(pages, key=lambda page: of_template[page.template])
        self.todo = todo
        # two lists cut in turns of one size: their turns fit in Turns.MOST
        self.size = max(PAGES_A_TURN, -(-(len(pages) + len(todo)) // (Turns.MOST - 2)))
        self.encoding_turns = -(-len(todo) // self.size)
        self.turns = Turns(self.encoding_turns + -(-len(pages) // self.size))
        self.stops = Notices()  # a child's slot, once it takes no more turns

    def close(self) -> None:
        self.turns.close()
        self.stops.close()

    def do(self, turn: int) -> tuple[dict[str, bytes | Spooled], dict]:
        """One turn's part of the work: its pages, or its achievements encoded (into `reuse`,
        and given)."""
        if turn < self.encoding_turns:
            return {}, self.reuse.encode(self.todo[turn * self.size:(turn + 1) * self.size])
        turn -= self.encoding_turns
        return _render_share(self.case, self.templates, self.pages[turn * self.size:(turn + 1) * self.size],
                             self.site_urls, self.spool), {}

    def run(self, slot: int) -> tuple[dict[str, bytes | Spooled], dict]:
        """A forked child's work: take turns until none is left, or until this process has
        copied about GENERATION_MIB of memory (its page faults tell), or until its turns turn
        from encodings to pages (it hands the encodings back, and resume.json can be put
        together); then say that `slot` is free, and give the pages and encodings made. It
        takes one turn at least, however small GENERATION_MIB."""
        import resource  # a system with fork has it

        files: dict[str, bytes | Spooled] = {}
        encoded: dict = {}
        budget = GENERATION_MIB * 1024 * 1024 // resource.getpagesize()
        begun = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        try:
            while (turn := self.turns.take()) is not None:
                made, encodings = self.do(turn)
                files.update(made)
                encoded.update(encodings)
                if encoded and turn >= self.encoding_turns or \
                        resource.getrusage(resource.RUSAGE_SELF).ru_minflt - begun >= budget:
                    break
        finally:
            self.stops.send(slot)
        return files, encoded


def _render_share(case: Case, templates: Templates, pages: list[Page], site_urls: list[SiteUrl],
                  spool: Path | None) -> dict[str, bytes | Spooled]:
    card = announced_card(case)
    files: dict[str, bytes | Spooled] = {}
    made: set[str] = set()
    for page in pages:
        data = templates.get(page.template).render(page_context(case, page, site_urls, card)).encode("utf-8")
        files[page.path] = data if spool is None else spool_file(spool, page.path, data, made)
    return files


def spool_file(spool: Path, relative: str, data: bytes | list[bytes], made: set[str]) -> Spooled:
    """Write one file (its bytes, or the pieces they are joined from) into the spool folder,
    where the write stage finds it."""
    path = os.path.join(spool, relative)  # text, not Path: a large site spools thousands of pages
    folder = os.path.dirname(path)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)  # another process may make it at the same time
        made.add(folder)
    pieces = [data] if isinstance(data, bytes) else data
    with open(path, "wb") as stream:
        stream.writelines(pieces)
    status = os.stat(path)
    return Spooled(path, status.st_size, status.st_mtime_ns, digest_of_pieces(pieces))


FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")


def site_static_files(files: dict[str, Path], dossier_stylesheet: str) -> dict[str, Path]:
    """The static files the site uses: not the dossier's stylesheet, nor fonts only it names.

    Fonts are embedded in the PDF; a site whose styles do not name them would ship a
    megabyte nobody downloads.
    """
    site_styles = [relative for relative in files if relative.endswith(".css") and relative != dossier_stylesheet]
    unused = fonts_not_named(files, site_styles)
    return {relative: path for relative, path in files.items()
            if relative != dossier_stylesheet and relative not in unused}


def fonts_not_named(files: dict[str, Path], stylesheets: list[str]) -> set[str]:
    """The font files of `files` that none of `stylesheets` names, with the licence of a folder none of whose fonts is."""
    styles = "\n".join(files[relative].read_text(encoding="utf-8", errors="replace") for relative in stylesheets)
    fonts = {relative for relative in files if relative.endswith(FONT_SUFFIXES)}
    used_fonts = {relative for relative in fonts if Path(relative).name in styles}
    # a font folder's licence goes with its fonts
    unused_folders = {str(Path(r).parent) for r in fonts} - {str(Path(r).parent) for r in used_fonts}
    return (fonts - used_fonts) | {relative for relative in files if str(Path(relative).parent) in unused_folders}


def asset_path(name: str) -> str:
    """Where a content file (evidence, photo, image) is copied in the output."""
    return "assets/" + name.removeprefix("./").removeprefix("assets/")


def static_files(chain: ThemeChain) -> dict[str, Path]:
    """The theme's static files; a child theme's file replaces its parent's."""
    found: dict[str, Path] = {}
    for folder in chain.static_folders():
        real_folder = Path(os.path.realpath(folder))
        for path in sorted(folder.rglob("*")):
            if path.name.startswith(".") or not path.is_file():
                continue
            if not inside(path, real_folder):
                raise RecordProblems([Problem(path, 1, 1, "this theme file is a link to a place outside the "
                                              "theme, which careerfolio never copies",
                                              "put the file itself in the theme's static/ folder")])
            found[path.relative_to(folder).as_posix()] = path
    return found


def absolute_url(base_url: str | None, path: str) -> str | None:
    if not base_url:
        return None
    return urljoin(base_url.rstrip("/") + "/", path)


def without_empty(mapping: dict) -> dict:
    """A mapping without its empty values: structured data says nothing rather than an empty address."""
    return {key: value for key, value in mapping.items() if value not in (None, "", [], (), {})}


def iso_date(value: PartialDate | None) -> str:
    """A date as the datetime attribute of <time> wants it: 2025-03-14, 2025-03 or 2025."""
    return value.iso() if value else ""


def json_for_script(value: Any) -> Markup:
    """A value as JSON that is safe inside <script> (for JSON-LD): sorted keys, no '<'."""
    return Markup(json.dumps(value, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c"))


def with_minus_sign(text: Any) -> str:
    """A number written as text, with a real minus sign: '-20%' reads −20%, as every number here does."""
    return re.sub(r"(?<![\w-])-(?=\d)", "\u2212", str(text))


def format_date(value: PartialDate | dt.date | None) -> str:
    """A date as precise as it was written: 14 Mar 2025, Mar 2025 or 2025."""
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
    """A period in words: Nov 2024 – Mar 2025, or Nov 2024 – now while it goes on."""
    if period is None:
        return ""
    return f"{format_date(period.start)} – {format_date(period.end) if period.end else 'now'}"
