"""The spine of careerfolio: read → validate → case → render → write.

Each step is a function from named inputs to a named output. The cache sits between the
steps: before a step runs, the pipeline looks its result up by a hash of the step's inputs
(a file's bytes, a page's key), so a cached build is the same as a clean one. Nothing here
prints: `build` returns a `BuildResult` that the command line and `serve` put into words.

Everything that can fail because of the user's input fails before the first byte is
written, so a broken record never disturbs the last good build. Stages are imported when
first used, so a build with nothing to do never loads the schema or the template engine.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import gc
import os
import shutil
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.cache import (
    LINK_HASH,
    Cache,
    build_lock,
    digest,
    hash_folders,
    is_link_hash,
    rehash_changed,
    tool_digest,
)
from generator.history import Stamp, StampReading, last_changes
from generator.problems import OutputRefused, UsageError, display_path
from generator.vocabulary import SETTINGS_FILE
from generator.write import (
    Manifest,
    check_output_location,
    check_target,
    prepare_output_root,
    put_back,
    reusable,
    staging_folder,
    still_there,
    write_first,
    write_output,
)

if TYPE_CHECKING:
    from generator.case import CaseOptions, KnownViews
    from generator.changes import Changes
    from generator.load import RecordFile
    from generator.model import PartialDate, Settings
    from generator.problems import Problem
    from generator.render import RenderedSite
    from generator.validate import CheckedFile, Record
    from generator.views import Case


def build_date() -> dt.date:
    """The build's date: SOURCE_DATE_EPOCH when set, so builds can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


# From this many achievements on, the dossier is rendered in a second process beside the site:
# from the first, since even at 20 a clean build took 13% less (the dossier's template compiled
# beside the site's) and a build after one edit as long.
DOSSIER_ELSEWHERE = 1
# From this many pages to render on, each is written to disk as soon as it is rendered.
SPOOL_PAGES = 300


@dataclass(frozen=True)
class BuildRequest:
    """What a build was asked to do: `careerfolio build`'s options, or `serve`'s."""

    root: Path
    audience: str | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None
    drafts: bool = False
    out: Path | None = None
    variant: str | None = None
    all_variants: bool = False
    pdf: bool = True
    dossier: bool = True  # serve shows the site alone unless asked for the PDF
    today: dt.date | None = None
    base_url: str | None = None  # instead of the settings' base_url: where a host serves this build


@dataclass(frozen=True)
class Target:
    """One output to build: a variant (or the default build) with its options and folder."""

    name: str | None
    options: CaseOptions
    dossier_audience: str
    theme: str
    folder: Path


@dataclass(frozen=True)
class OutputResult:
    """One folder a build wrote: what it holds, for whom, and how much of it changed."""

    kind: str  # "site" or "dossier"
    variant: str | None
    folder: Path
    audience: str
    achievements: int
    left_out: str
    files: int
    written: int
    removed: int
    pdf: str = ""  # the dossier's PDF, in words
    pdf_made: bool = False  # a PDF is in the folder
    sitemap: bool = True


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the command line and `serve` to report."""

    outputs: tuple[OutputResult, ...]
    warnings: tuple[str, ...] = ()
    timings: tuple[tuple[str, float], ...] = ()
    unchanged: bool = False  # nothing changed since the last build: nothing was read again or written


@dataclass
class FirstPages:
    """Pages to render and write before the rest of a build: `serve` gives the pages open in a
    browser (Hugo's fast render), which then show an edit while the others are still rendered.

    `ready` is told which of them were written, once they are; should the build then fail,
    they are put back as they were and the build's error is raised as ever."""

    site: Path  # the site folder they are in
    paths: Collection[str]  # paths of pages in it, as "achievements/x/index.html"
    ready: Callable[[frozenset[str]], None]
    replaced: list = field(default_factory=list)  # (folder, what write_first replaced there)


@dataclass
class Timings:
    spent: dict = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - start

    def as_tuple(self) -> tuple[tuple[str, float], ...]:
        return tuple(self.spent.items())


@dataclass(frozen=True)
class Planned:
    """One target rendered in memory, waiting to be written."""

    target: Target
    case: Case
    site: RenderedSite
    kept: dict
    keys: dict
    dossier: Dossier | None
    pdf: bytes | None
    pdf_line: str
    written_first: int = 0  # pages written ahead of the others (see `FirstPages`), in `kept` now


@dataclass(frozen=True)
class Dossier:
    """The dossier rendered in memory, and what the build's report says of it."""

    site: RenderedSite
    audience: str
    achievements: int
    left_out: str


def make_dossier(record: Record, target: Target, history: History, templates: Any, chain: Any,
                 published: frozenset[str] | None, keep: bool, known: KnownViews | None = None) -> Dossier:
    """The dossier's case (the promotion packet, whatever the site is for), rendered.
    `published` are the site's assets (None: worked out here from the record)."""
    from generator.case import build_case, site_assets
    from generator.dossier import render_dossier

    if published is None:
        published = site_assets(record, target.options)

    case = build_case(record, replace(target.options, audience=target.dossier_audience, purpose="promotion"),
                      history.updated, known)
    since = (changes_since(record, history.since, target.dossier_audience, target.options.today, keep=keep)
             if history.since else None)
    site = render_dossier(case, templates, chain, record.content_dir, record.settings.dossier.paper, history.stamp,
                          record.settings.dossier.full, since, published)
    return Dossier(site, case.audience, len(case.achievements), case.left_out_sentence())


def without_cycle_collection(function: Callable) -> Callable:
    """`function` with Python's cyclic garbage collector off while it runs: reading a record
    and making its case and pages makes millions of small objects and few cycles, over a
    large heap (the record, the cache) that the collector would walk again and again (a
    second of a build at 10,000 achievements, a third of a `check`). Reference counting
    still frees what is dropped."""

    @functools.wraps(function)
    def without_collector(*arguments: Any, **options: Any) -> Any:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return function(*arguments, **options)
        finally:
            if collecting:
                gc.enable()

    return without_collector


@without_cycle_collection
def build(request: BuildRequest, cache: Cache | None = None,
          waiting: Callable[[str], None] | None = None, save: bool = False,
          changed: Collection[str] | None = None, first: FirstPages | None = None) -> BuildResult:
    """Build every requested output; reuse from `cache` whatever did not change.

    The cache is updated in memory, and written back with `save` (`serve` keeps it warm instead):
    a build whose process ends with it, which lets go of the values it read once they are
    validated (see `release_values_read`).
    One build of a record runs at a time; `waiting` is told when this one has to wait.
    `changed` names every file that may have changed since the last build with `cache` (a
    file watcher's word): the others are not looked at again. `first` names pages to write
    before the others (see `FirstPages`).
    """
    with build_lock(request.root, waiting):
        if cache is not None:
            # the files changed since the last build that ended well: one that failed may
            # have read some of them, but the next compares with the last good one
            since_good = cache.memory.get(CHANGED_SINCE_GOOD)
            changed = None if changed is None or since_good is None else since_good | set(changed)
            cache.memory[CHANGED_SINCE_GOOD] = changed
        else:
            changed = None
        # the dossier names the record's commit: git looks while the record is read
        stamps = StampReading(request.root.resolve()) if request.dossier else None
        try:
            result = _build(request, cache, changed, first, stamps, last=save)
        except BaseException:
            if first is not None:  # the output stays as the last good build left it
                for folder, before in first.replaced:
                    put_back(folder, before)
            raise
        finally:
            if stamps is not None:
                stamps.close()
        if cache is not None:
            cache.memory[CHANGED_SINCE_GOOD] = set()
        if save and cache is not None:
            cache.save()
        return result


CHANGED_SINCE_GOOD = "changed since the last good build"  # keys of `Cache.memory`
LIVE_FINGERPRINTS = "fingerprints of this build's values"
# the cache's fragments are sifted for values the case no longer holds once they grew by this
# much since the last sifting (each edit adds a few; sifting reads every fingerprint of the build)
FRAGMENTS_GROWTH, FRAGMENTS_SLACK = 1.25, 256


def _build(request: BuildRequest, cache: Cache | None, changed: Collection[str] | None,
           first: FirstPages | None = None, stamps: StampReading | None = None, last: bool = False) -> BuildResult:
    """`build`; `last` says that the process ends after it, its cache saved."""
    root = request.root.resolve()

    def stamp() -> Stamp:
        nonlocal stamps  # read once a build, however many steps ask (its git ends when it is read)
        stamps = stamps if stamps is not None else StampReading(root)
        return stamps.result()

    cache = cache if cache is not None else Cache()
    today = request.today or build_date()
    request_key = digest(tool_digest(), repr(replace(request, root=root, today=today)))
    previous = cache.part("build")
    stats = cache.part("stats")
    hashed: dict[str, str] | None = None  # the inputs as they are now, where the last build's are known
    same_files = False  # and no file came or went since
    if previous.get("request") == request_key:
        if changed is not None:
            hashed = rehash_changed(previous["inputs"], changed, *previous["places"], stats)
            same_files = hashed is not None
        if hashed is None:
            hashed = hash_folders(*previous["places"], stats)
    if hashed is not None and hashed == previous["inputs"] and _still_current(previous, root, cache, stamp):
        return replace(previous["result"], unchanged=True, timings=(), outputs=tuple(
            replace(output, written=0, removed=0, pdf=output.pdf if not output.pdf_made else
                    f"{output.pdf.split(' ')[0]} unchanged since the last build")
            for output in previous["result"].outputs))

    timings = Timings()
    reading = read(root, cache, timings, (previous["places"], hashed, same_files) if hashed is not None else None)
    record, input_hashes = reading.record, reading.hashes
    if last:
        release_values_read(cache, reading.parsed)
    with timings.stage("read"):
        made_from = stamp() if request.dossier or record.settings.show_updated else None
        updated = last_changes(record.root) if record.settings.show_updated else {}
        since = review_revision(record) if request.dossier else None
    targets = plan_targets(record, request, today)
    for target in targets:
        check_output_location(target.folder, record.root, record.content_dir)

    warnings: list[str] = []
    inputs_key = digest(*(f"{path}\0{content}" for path, content in sorted(input_hashes.items())),
                        *(f"{path}\0{date}" for path, date in sorted(updated.items())))
    history = History(made_from, updated, since)
    known_views(cache).start_build(input_hashes)
    cache.memory[LIVE_FINGERPRINTS] = []
    planned = [render(record, target, request, history, inputs_key, input_hashes, cache, timings, warnings, first,
                      last) for target in targets]
    fragments_kept = previous.get("fragments kept", 0)
    seen = cache.memory.pop(LIVE_FINGERPRINTS)
    if len(cache.sharded("fragments")) > fragments_kept * FRAGMENTS_GROWTH + FRAGMENTS_SLACK:
        with timings.stage("render"):
            from generator.render import keep_live_fragments

            live = {found for fingerprints in seen for found, _ in fingerprints.memo.values()}
            cache.replace_sharded("fragments", keep_live_fragments(cache.sharded("fragments"), live))
            fragments_kept = len(cache.sharded("fragments"))
    results = write(planned, cache, timings, input_hashes)
    result = BuildResult(tuple(results), tuple(warnings), timings.as_tuple())
    cache.replace("build", {"request": request_key, "inputs": input_hashes, "places": reading.places,
                            "fragments kept": fragments_kept,
                            "ids": {name: tuple(entry.id for entry in entries) for name, entries in record.entries.items()},
                            "stamp": made_from, "since": since, "result": result})
    return result


@dataclass(frozen=True)
class History:
    """What a build takes from git: the commit, each file's last change, the last review's version."""

    stamp: Any  # history.Stamp, or None when nothing needs it
    updated: dict  # path -> date of its last commit, when the record shows it
    since: tuple[str, str] | None  # (revision as written, its commit) of `dossier.since`


def review_revision(record: Record) -> tuple[str, str] | None:
    """`dossier.since` and the commit it names now; a revision git does not know is a located problem."""
    from generator.history import GitUnavailable, resolve_revision
    from generator.problems import RecordProblems
    from generator.validate import whole_file

    revision = record.settings.dossier.since
    if revision is None:
        return None
    try:
        return revision, resolve_revision(record.root, revision)
    except GitUnavailable as error:
        message, _, hint = str(error).partition(" — ")
        raise RecordProblems([whole_file(record.settings_source).problem(("dossier", "since"), message, hint)]) \
            from None


@dataclass(frozen=True)
class Reading:
    """The record as read, with what it was read from: the places and their content hashes."""

    record: Record
    places: tuple  # (folders, files), see `input_places`
    hashes: dict  # path -> content hash
    parsed: tuple = ()  # the files parsed from their bytes (CheckedFile), not found in the cache


def read(root: Path, cache: Cache, timings: Timings, known: tuple | None = None) -> Reading:
    """Locate the record, hash everything a build reads, and read and validate the record.

    `known` is (places, hashes, whether the same files are there as in the last build) just
    taken for the same record, to be used if the places are still the same. Raise
    RecordProblems with every problem of the record.
    """
    from generator.validate import locate_record

    with timings.stage("read"):
        root, settings_source, settings, settings_problems = locate_record(root)
        places = input_places(root, settings)
        stats = cache.part("stats")
        still = known is not None and known[0] == places
        hashes = known[1] if still else hash_folders(*places, stats)
        cache.replace("stats", {path: stats[path] for path in hashes if path in stats})
    record, parsed = validate(root, settings, settings_source, settings_problems, hashes, cache, timings,
                              same_files=still and known[2])
    return Reading(record, places, hashes, parsed)


def release_values_read(cache: Cache, parsed: tuple) -> None:
    """Write the parsed files to the cache now, and let go of the values read from the files
    `parsed` (see `SourceFile.release_values`): a build that ends once it is done reads none
    of them again, and the processes it forks would hold them; at 10,000 achievements read
    from nothing they are ~30 MB. Those the cache gave are kept: letting go of them costs
    more time than a build after an edit saves."""
    cache.save_sharded("files")
    for checked in parsed:
        if checked.loaded.source is not None:
            checked.loaded.source.release_values()


def input_places(root: Path, settings: Settings) -> tuple[list[Path], list[Path]]:
    """The folders and files a build reads: when none of them changed, neither did the output."""
    from generator.themes import builtin_themes_dir

    # folders that do not exist yet count too: creating one is a change
    return [root / settings.content_dir, root / "templates", root / "themes", builtin_themes_dir()], \
        [root / SETTINGS_FILE]


def _still_current(previous: dict, root: Path, cache: Cache, stamp: Callable[[], Stamp]) -> bool:
    """Whether the record's commit (`stamp` reads it) and every output are as the last build left them."""
    if previous["stamp"] is not None and stamp() != previous["stamp"]:
        return False
    if previous.get("since") is not None:  # the last review's tag may have moved
        from generator.history import GitUnavailable, resolve_revision
        try:
            if resolve_revision(root, previous["since"][0]) != previous["since"][1]:
                return False
        except GitUnavailable:
            return False
    for output in previous["result"].outputs:
        manifest: Manifest | None = cache.part("outputs").get(str(output.folder))
        if manifest is None or not all(still_there(output.folder, relative, written)
                                       for relative, written in manifest.items()):
            return False
    return True


def validate(root: Path, settings: Settings, settings_source: Any, settings_problems: list[Problem],
             hashes: dict[str, str], cache: Cache, timings: Timings,
             same_files: bool = False) -> tuple[Record, tuple]:
    """Read and validate every file of the record, reusing the files whose bytes are unchanged;
    give the record, and the files parsed (see `Reading.parsed`).

    `hashes` are the content hashes taken before the build; a file is read only when no
    result is known for its hash, and its result is kept under the hash of the bytes read.
    With `same_files` (no file or folder came, went or became a link since the last build),
    the files found by this process's last build are taken again.
    """
    from generator.load import discover_files
    from generator.parallel import can_fork, share_out
    from generator.validate import validate_record

    known: dict = cache.sharded("files")
    used: dict = {}
    with timings.stage("read"):
        found_before = ("files found", str(root), str(settings.content_dir))
        files = cache.memory.get(found_before) if same_files else None
        if files is None:
            files = discover_files(root / settings.content_dir, root)
            # found again after any change of a link, which may now lead elsewhere
            plain = all(not is_link_hash(hashes.get(str(file.path), LINK_HASH)) for file in files)
            cache.memory[found_before] = files if plain else None
    with timings.stage("validate"):
        found: dict[int, tuple] = {}
        for index, file in enumerate(files):
            # a link's hash is what it says, not what it leads to: read it every time
            known_hash = hashes.get(str(file.path), "")
            key = (str(file.path), file.role, file.collection, None if is_link_hash(known_hash) else known_hash)
            if key in known:
                found[index] = (key, known[key])
        todo = [(index, file) for index, file in enumerate(files) if index not in found]
        if len(todo) >= PARALLEL_FILES and can_fork():  # a large record read from nothing: two cores
            found.update(share_out(todo, check_files, FILES_A_TURN))
        else:
            found.update(check_files(todo))
        checked: list[CheckedFile] = []
        for index in range(len(files)):
            key, checked_file = found[index]
            used[key] = checked_file
            checked.append(checked_file)
        record = None
        if not settings_problems:
            record = validate_like_last_build(root, settings, settings_source, hashes, files, checked, known,
                                              cache.part("build"))
        if record is None:
            record = validate_record(root, settings, settings_source, checked, settings_problems)
        # kept once the record is good: the files of the last good build are what the next
        # one compares its changed files with (see validate_like_last_build)
        cache.replace_sharded("files", used)
        return record, tuple(found[index][1] for index, _ in todo)


def validate_like_last_build(root: Path, settings: Settings, settings_source: Any, hashes: dict[str, str],
                             files: list[RecordFile], checked: list[CheckedFile], known: dict,
                             last_build: dict) -> Record | None:
    """The record with the last good build's ids, when the files are those it read and the
    ones changed since are entries changed only where no check across files looks (see
    `validate.validate_as_before`); else None. The files as they were then are still in
    the cache's parsed files, under their paths and the hashes the last build took: in a
    new process after a build, and in `serve` after each one."""
    from generator.validate import validate_as_before

    inputs, ids = last_build.get("inputs"), last_build.get("ids")
    # a link's digest is of the link: what it leads to may have changed without it
    if inputs is None or ids is None or hashes.keys() != inputs.keys() or \
            any(is_link_hash(content) for content in hashes.values()):
        return None
    changed = {path for path, content in hashes.items() if inputs[path] != content}
    before = {}  # place in `files` -> the file as the last good build parsed it
    for index, file in enumerate(files):
        path = str(file.path)
        if path in changed:
            changed.discard(path)
            found = known.get((path, file.role, file.collection, inputs[path]))
            if found is None:
                return None
            before[index] = found
    if changed:  # anything else (settings, a template, an asset): check it all
        return None
    return validate_as_before(root, settings, settings_source, checked, before, ids)


# From this many files to parse on, a second process parses about half of them, this many at a time.
PARALLEL_FILES, FILES_A_TURN = 400, 20


def check_files(files: list[tuple[int, RecordFile]]) -> dict[int, tuple]:
    """Read, parse and check each numbered file: its number -> (cache key, CheckedFile)."""
    from generator.load import load_file, read_bytes
    from generator.validate import check_file

    result = {}
    for index, file in files:
        data = None if file.refusal else read_bytes(file.path)
        key = (str(file.path), file.role, file.collection, digest(data) if data is not None else None)
        result[index] = (key, check_file(load_file(file, data)))
    return result


def plan_targets(record: Record, request: BuildRequest, today: dt.date) -> list[Target]:
    """The outputs a request asks for: the default build, one variant, or every variant."""
    from generator.case import CaseOptions, site_purpose

    settings = record.settings
    output_root = request.out if request.out is not None else record.root / settings.output_dir
    base = CaseOptions(today=today, audience=request.audience or "public", since=request.since,
                       until=request.until, drafts=request.drafts, base_url=request.base_url,
                       purpose=site_purpose(settings.purpose, request.audience or "public"))
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
        audience = request.audience or variant.audience or "public"
        options = replace(base, audience=audience,
                          since=request.since or variant.since, until=request.until or variant.until,
                          tags=tuple(variant.tags), exclude_tags=tuple(variant.exclude_tags),
                          title=variant.title, purpose=site_purpose(variant.purpose or settings.purpose, audience))
        dossier_audience = request.audience or variant.audience or settings.dossier.audience
        targets.append(Target(name, options, dossier_audience, variant.theme or settings.theme,
                              output_root / name))
    return targets


def render(record: Record, target: Target, request: BuildRequest, history: History, inputs_key: str,
           hashes: dict[str, str], cache: Cache, timings: Timings, warnings: list[str],
           first: FirstPages | None = None, last: bool = False) -> Planned:
    """Render one target (see `render_target`); a mistake in a template is a located problem."""
    from generator.problems import RecordProblems
    from generator.render import template_problem

    try:
        return render_target(record, target, request, history, inputs_key, hashes, cache, timings, warnings, first,
                             last)
    except Exception as error:
        problem = template_problem(error)
        if problem is None:
            raise
        raise RecordProblems([problem]) from None


def render_target(record: Record, target: Target, request: BuildRequest, history: History, inputs_key: str,
                  hashes: dict[str, str], cache: Cache, timings: Timings, warnings: list[str],
                  first: FirstPages | None = None, last: bool = False) -> Planned:
    """Build the cases of one target and render its site, dossier and PDF into memory.

    Pages whose key matches the page the last build left on disk are not rendered again;
    `inputs_key` is a digest of every file the record was read from, `hashes` each one's.
    `last` says that the build's process ends with it, its cache saved (see `render_site_of`).
    """
    from generator.case import build_case
    from generator.dossier import source_hash
    from generator.markdown import MarkdownRenderer
    from generator.parallel import can_fork, cancelled_on_failure
    from generator.render import Elsewhere, Templates

    allow_html = record.settings.markdown.allow_html
    markdown_part = "markdown-html" if allow_html else "markdown"
    markdown_cache: dict = cache.sharded(markdown_part)
    markdown = MarkdownRenderer(allow_html=allow_html, known=markdown_cache)
    with timings.stage("case"):
        chain, options = theme_of(record, target)
        salt = digest(str(allow_html), repr(sorted(options.items())))
        # this process's templates, while their files are the same (serve)
        kept_as = ("templates", templates_key(chain, record, options, hashes, cache))
        templates = cache.memory.get(kept_as)
        if templates is None:
            templates = Templates(chain, record.root, markdown, cache.bytecode_folder(), cache.part("templates"),
                                  options, cache.sharded("fragments"), salt)
            for key in [key for key in cache.memory if isinstance(key, tuple) and key[0] == "templates"]:
                del cache.memory[key]  # a theme edited while serving leaves no trail
            cache.memory[kept_as] = templates
        else:
            templates.start_build(markdown, cache.sharded("fragments"), salt)
        templates.hand_back = not (last and cache.folder is None)  # `--no-cache`: the cache goes with the process
        dossier_job = dossier_child = None
        if request.dossier and can_fork() and len(record.collection("achievements")) >= DOSSIER_ELSEWHERE:
            # made beside the site from here on, its case too: the child works out which of
            # its attachments the site has (see `site_assets`) instead of waiting for the site's case
            dossier_child = Elsewhere(templates, functools.partial(
                make_dossier, record, target, history, templates, chain, None, cache.folder is not None,
                known_views(cache)))
            dossier_job = dossier_child.result
    with cancelled_on_failure(dossier_child), timings.stage("case"):
        case = build_case(record, target.options, history.updated, known_views(cache))
        if request.dossier and dossier_job is None:
            dossier_job = functools.partial(make_dossier, record, target, history, templates, chain,
                                            frozenset(case.assets), cache.folder is not None, known_views(cache))
    with cancelled_on_failure(dossier_child):
        site, keys, kept, written_first = render_site_of(record, target, case, templates, chain, options,
                                                         inputs_key, markdown, cache, timings, first,
                                                         last and cache.folder is not None)
        with timings.stage("render"):
            dossier = dossier_job() if dossier_job is not None else None
    cache.replace_sharded(markdown_part, markdown.used_results())
    cache.replace("templates", templates.analyses)
    cache.added_to_sharded("fragments", templates.fragments.made)
    pdf, pdf_line = None, "no PDF (--no-pdf)"
    if dossier is not None and request.pdf:
        with timings.stage("pdf"):
            pdf, pdf_line = make_or_reuse_pdf(dossier.site, source_hash(dossier.site, record.settings.dossier.paper),
                                              record.settings.dossier.paper, cache, warnings)
    return Planned(target, case, site, kept, keys, dossier, pdf, pdf_line, written_first)


def templates_key(chain: Any, record: Record, options: dict, hashes: dict[str, str], cache: Cache) -> str:
    """What a build's templates are made from: the theme's folders and options, and every file in them."""
    folders = [str(folder) for folder in chain.template_folders(record.root)]
    inside = tuple(folder.rstrip(os.sep) + os.sep for folder in folders)
    return digest(repr(folders), repr(sorted((name, str(folder)) for name, folder in chain.namespaces().items())),
                  str(record.root), repr(sorted(options.items())), str(cache.bytecode_folder()),
                  *(f"{path}\0{content}" for path, content in sorted(
                      (path, content) for path, content in hashes.items() if path.startswith(inside))))


def render_site_of(record: Record, target: Target, case: Case, templates: Any, chain: Any, options: dict,
                   inputs_key: str, markdown: Any, cache: Cache, timings: Timings,
                   first: FirstPages | None = None, saved: bool = False) -> tuple[RenderedSite, dict, dict, int]:
    """The site of one target: every page whose key is not the one on disk, the `first`
    pages before the others; return the site, every page's key, the pages kept as they are
    (with those written first) and how many were written first.

    `saved` says that the build's process ends with it and its cache is written to disk: a
    forked child may then make resume.json, and keep its part of the cache itself."""
    from generator.jsonresume import RESUME_FILE
    from generator.parallel import Forked, can_fork, cancelled_on_failure
    from generator.render import (
        in_several_processes,
        page_keys,
        plan_site_card,
        plan_site_pages,
        render_pages,
        render_site,
        site_fingerprints,
        site_urls_of,
    )

    allow_html = record.settings.markdown.allow_html

    def prerender(now: bool = True) -> None:
        with timings.stage("markdown"):
            bodies = {(a.body, f"a-{a.id}") for a in case.achievements} | {(p.body, f"p-{p.id}") for p in case.projects}
            markdown.prerender(bodies, now)  # which sorts what it renders

    with timings.stage("render"):
        fingerprints = templates.fragments.fingerprints = site_fingerprints()
        fingerprint_by_inputs(fingerprints, known_views(cache), case)
        card = plan_site_card(case, chain)
        pages = list(plan_site_pages(case))
        site_urls = site_urls_of(pages)
        keys_of = functools.partial(
            page_keys, case, templates, digest(tool_digest(), str(allow_html), repr(sorted(options.items()))),
            case_key=digest(inputs_key, repr(target.options)), fingerprints=fingerprints, card=card,
            known=cache.memory.setdefault(("page keys", str(target.folder)), {}), pages=pages, site_urls=site_urls)
        manifest = cache.part("outputs").get(str(target.folder / "site"), {})
        written: dict = {}
        prerendered = first is not None and first.site.resolve() == (target.folder / "site").resolve()
        if prerendered:
            prerender()
            # the pages open in a browser: keyed, rendered and written before the others are keyed
            first_keys = keys_of(only=first.paths)
            unchanged = reusable(target.folder / "site", manifest, first_keys)
            wanted = [page for page in pages if page.path in first_keys and page.path not in unchanged]
            if wanted:
                rendered = render_pages(case, templates, wanted, site_urls)
                with unwritable_is_user_error():
                    written, before = write_first(first.site, rendered, first_keys)
                first.replaced.append((first.site, before))
                if written:
                    first.ready(frozenset(written))
        keys = keys_of()
        resume_child = spool = None
        if saved and resume_beside_pages(case, keys, manifest) and can_fork():
            # started before the pages' Markdown and the look at what is on disk, which it needs neither of
            spool = spooled_output(target)
            resume_child = Forked(functools.partial(make_resume, case, fingerprints, cache, target, spool))
        try:
            with cancelled_on_failure(resume_child):
                kept = {**reusable(target.folder / "site", manifest, keys), **written}
                if not prerendered:
                    # the Rust port renders a story in ~30 µs, too little to hand over to other
                    # processes: where they render the pages, each renders their stories as it goes
                    prerender(not (markdown.accelerate and in_several_processes(len(keys) - len(kept))))
                if spool is None and len(keys) - len(kept) >= SPOOL_PAGES:  # a large site is not held in memory whole
                    spool = spooled_output(target)
                skip: Collection[str] = kept if resume_child is None else kept.keys() | {RESUME_FILE}
                reuse = None if RESUME_FILE in skip else resume_reuse(cache, fingerprints, target)
                site = render_site(case, templates, chain, record.content_dir, skip=skip, reuse=reuse, card=card,
                                   spool=spool, pages=pages, site_urls=site_urls)
                if resume_child is not None:
                    site.files[RESUME_FILE] = resume_child.result()
                    cache.written_elsewhere("resume")  # another target's resume.json may use it
        except BaseException:
            if spool is not None:
                shutil.rmtree(spool, ignore_errors=True)
            raise
        # every value of the case, and of whatever the pages showed: what fragments may be kept for
        cache.memory.setdefault(LIVE_FINGERPRINTS, []).append(fingerprints)
        if reuse is not None:
            keep_resume_encodings(cache, target, reuse)
    return site, keys, kept, len(written)


# From this many achievements on, a build that renders few pages makes resume.json in a
# forked child beside them, when it can (see `render_site_of`).
RESUME_ELSEWHERE = 500


def resume_beside_pages(case: Case, keys: dict[str, str], manifest: Manifest) -> bool:
    """Whether resume.json is to be put together beside the pages, in a forked child: the
    record is large, resume.json changed, and so did a few pages (some, and fewer than this
    process shares with others), which this process renders meanwhile. Most of it is then
    what the last build encoded, and it takes as long as those pages. (The caller asks
    whether it can fork.)"""
    from generator.jsonresume import RESUME_FILE
    from generator.render import PARALLEL_PAGES

    if len(case.achievements) < RESUME_ELSEWHERE or RESUME_FILE not in manifest \
            or manifest[RESUME_FILE].key == keys.get(RESUME_FILE):
        return False
    # the pages whose key is new (some of the others may have been changed on disk since)
    changed = sum(1 for path, key in keys.items() if path not in manifest or manifest[path].key != key)
    return 0 < changed < PARALLEL_PAGES


def spooled_output(target: Target) -> Path:
    """The folder where the target's site pages wait, rendered, for the write stage."""
    check_target(target.folder / "site")
    prepare_output_root(target.folder)
    return staging_folder(target.folder / "site")


def resume_reuse(cache: Cache, fingerprints: Any, target: Target) -> Any:
    """What the cache keeps of the encodings of the target's resume.json, to reuse."""
    from generator.jsonresume import Reuse

    folder = str(target.folder)
    return Reuse(fingerprints.of, {fingerprint: encoded for (fingerprint, kept_for), encoded
                                   in cache.sharded("resume").items() if kept_for == folder})


def keep_resume_encodings(cache: Cache, target: Target, reuse: Any) -> None:
    """Keep the encodings that the target's resume.json used, in place of its last ones: each
    output folder keeps what its own resume.json used."""
    folder = str(target.folder)
    cache.replace_sharded("resume", {**{key: encoded for key, encoded in cache.sharded("resume").items()
                                        if key[1] != folder},
                                     **{(fingerprint, folder): encoded for fingerprint, encoded in reuse.used.items()}})


def make_resume(case: Case, fingerprints: Any, cache: Cache, target: Target, spool: Path) -> Any:
    """resume.json, spooled, with the cache's encodings kept on disk at once: the job of a
    forked child in a build whose cache is saved when it ends. Putting resume.json together
    is ~100 ms at 10,000 achievements after one edit, when the pages are a few."""
    from generator.render import encode_resume

    reuse = resume_reuse(cache, fingerprints, target)
    made = encode_resume(case, reuse, spool)
    keep_resume_encodings(cache, target, reuse)
    cache.save_sharded("resume")
    return made


def fingerprint_by_inputs(fingerprints: Any, known: KnownViews, case: Case) -> None:
    """Fingerprint each achievement, and its timeline event, by what it was made from: a few
    words of a file's digest and links, where pickling the view (its story with it) cost a
    third of page keys' time."""
    for view in case.achievements:
        inputs = known.inputs_digest(view)
        if inputs is None:
            continue
        made = fingerprints.take(view, inputs.encode())
        event = known.event_of(view)
        if event is not None:
            fingerprints.take(event, b"its timeline event " + made)


def known_views(cache: Cache) -> KnownViews:
    """The views the last build in this process made, for this one to reuse."""
    from generator.case import KnownViews

    return cache.memory.setdefault("views", KnownViews())


def theme_of(record: Record, target: Target) -> tuple[Any, dict]:
    """The target's theme with its parents, and its options as the record sets them; a theme
    that is not there, or an option it does not take, is a problem in the settings."""
    from generator.problems import RecordProblems, UserError
    from generator.themes import resolve_options, resolve_theme
    from generator.validate import whole_file

    settings = whole_file(record.settings_source) if record.settings_source is not None else None
    try:
        chain = resolve_theme(target.theme, record.root)
    except RecordProblems:
        raise
    except UserError as error:
        if settings is None:
            raise
        variant = record.settings.variants.get(target.name) if target.name else None
        location = ("variants", target.name, "theme") if variant is not None and variant.theme else ("theme",)
        message, _, hint = str(error).partition(" — ")
        raise RecordProblems([settings.problem(location, message, hint)]) from None
    options, problems = resolve_options(chain, record.settings.theme_options, settings)
    if problems:
        raise RecordProblems(problems)
    return chain, options


def make_or_reuse_pdf(dossier: RenderedSite, fingerprint: str, paper: str, cache: Cache,
                      warnings: list[str]) -> tuple[bytes | None, str]:
    """The dossier's PDF: the last one when made from exactly the same inputs, else a new one.

    A PDF made with warnings (characters no font covers) is reused too, as long as the
    machine's fonts are the ones it was made with; its warnings are said again, once each.
    """
    from generator.cli_text import count
    from generator.dossier import PDF_NAME
    from generator.pdf import PANGO_HINT, PdfUnavailable, fonts_digest, make_pdf, summarise_warnings

    stored = cache.part("pdf").get(fingerprint)
    if stored is not None:
        pdf, found, fonts = stored
        if not found or fonts == fonts_digest():
            warnings.extend(f"PDF warning: {line}" for line in summarise_warnings(found))
            return pdf, f"{PDF_NAME} unchanged since the last build"
    try:
        pdf, pages, found = make_pdf(dossier)
    except PdfUnavailable as error:
        return None, f"no PDF: {error} — {PANGO_HINT}"
    warnings.extend(f"PDF warning: {line}" for line in summarise_warnings(found))
    cache.replace("pdf", {fingerprint: (pdf, found, fonts_digest() if found else "")})
    return pdf, f"{PDF_NAME} ({count(pages, 'page')}, {paper})"


def write(planned: list[Planned], cache: Cache, timings: Timings,
          hashes: dict[str, str] | None = None) -> list[OutputResult]:
    """Write every rendered output; each folder changes only where its files changed. `hashes`
    are the record's files' content hashes, to know copies unchanged without reading them."""
    from generator.dossier import PDF_NAME

    manifests: dict = cache.part("outputs")
    results = []
    with timings.stage("write"), unwritable_is_user_error():
        for plan in planned:
            target, case = plan.target, plan.case
            prepare_output_root(target.folder)
            site_folder = target.folder / "site"
            report, manifest = write_output(site_folder, plan.site.files, plan.site.copies, plan.kept,
                                            plan.keys, manifests.get(str(site_folder)), hashes)
            manifests[str(site_folder)] = manifest
            results.append(OutputResult("site", target.name, site_folder, case.audience, len(case.achievements),
                                        case.left_out_sentence(), report.files, report.written + plan.written_first,
                                        report.removed,
                                        sitemap=bool(case.base_url)))
            if plan.dossier is None:
                continue
            dossier_folder = target.folder / "dossier"
            files = dict(plan.dossier.site.files)
            if plan.pdf is not None:
                files[PDF_NAME] = plan.pdf
            report, manifest = write_output(dossier_folder, files, plan.dossier.site.copies,
                                            manifest=manifests.get(str(dossier_folder)), source_hashes=hashes)
            manifests[str(dossier_folder)] = manifest
            results.append(OutputResult("dossier", target.name, dossier_folder, plan.dossier.audience,
                                        plan.dossier.achievements, plan.dossier.left_out,
                                        report.files, report.written, report.removed, pdf=plan.pdf_line,
                                        pdf_made=plan.pdf is not None))
    cache.replace("outputs", manifests)
    return results


@contextmanager
def unwritable_is_user_error() -> Iterator[None]:
    """A folder the build may not write to is the user's to fix, not a bug of careerfolio."""
    try:
        yield
    except PermissionError as error:
        raise OutputRefused(f"cannot write {error.filename} ({error.strerror}) — make the output folder "
                            "writable, or build with another --out") from None
    except (IsADirectoryError, NotADirectoryError, FileExistsError) as error:
        # something of the user's stands where the build puts a file or a folder: never removed
        blocked = display_path(standing_in_the_way(Path(error.filename2 or error.filename)))
        raise OutputRefused(f"cannot write {blocked}: {blocked_reason(error)} — move it out of the output "
                            "folder, or build with another --out") from None
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EROFS, errno.EDQUOT):
            raise
        raise OutputRefused(f"cannot write {error.filename or 'the output'} ({error.strerror}) — free some "
                            "space or build with another --out") from None


def standing_in_the_way(path: Path) -> Path:
    """What blocks writing `path`: itself, or the deepest of its folders that is something else."""
    for place in (path, *path.parents):
        if place.exists() or place.is_symlink():
            return place
    return path


def blocked_reason(error: OSError) -> str:
    if isinstance(error, IsADirectoryError):
        return "a folder stands where the build writes a file"
    return "a file stands where the build needs a folder"


def record_at(root: Path, commit: str, name: str, keep: bool = False) -> Record:
    """The record as it was at a commit, read from git without touching the work tree or the index.

    Its problems are reported at `NAME:path`, as git names a file at a revision. With `keep`,
    the commit's files and what was parsed from them stay in the user's cache folder, so
    that every build of a dossier that looks back at the same revision reads it only once.
    """
    import shutil
    import tempfile

    from generator.cache import cache_home
    from generator.history import write_tree_at
    from generator.validate import read_settings

    root, settings = read_settings(root)
    skip = (settings.output_dir, "templates", "themes")
    if keep:
        folder = cache_home() / "revisions" / digest(str(root), commit)[:20]
        if not (folder / ".complete").exists():
            shutil.rmtree(folder, ignore_errors=True)
            write_tree_at(root, commit, folder, skip)
            (folder / ".complete").write_bytes(b"")
        else:
            with suppress(OSError):
                os.utime(folder)  # used: kept by the cache's cleaning (see cache.remove_unused)
        cache = Cache.for_record(folder)
        return _read_revision(folder, cache, name)
    with tempfile.TemporaryDirectory(prefix="careerfolio-") as temporary:
        write_tree_at(root, commit, Path(temporary), skip)
        return _read_revision(Path(temporary), Cache(), name)


def _read_revision(folder: Path, cache: Cache, name: str) -> Record:
    from generator.problems import RecordProblems

    try:
        record = read(folder, cache, Timings()).record
    except RecordProblems as error:
        raise RecordProblems([replace(problem, path=Path(f"{name}:{problem.path.relative_to(folder)}"))
                              if problem.path.is_relative_to(folder) else problem
                              for problem in error.problems]) from None
    cache.save()
    return record


def changes_since(record: Record, since: tuple[str, str], audience: str, today: dt.date,
                  keep: bool) -> Changes:
    """What changed in the record since a revision, as `audience` may see it (the whole record,
    whatever the review period)."""
    return compare_records(record_at(record.root, since[1], since[0], keep), record, audience, today, since[0],
                           "now")


def compare_records(before: Record, after: Record, audience: str, today: dt.date, before_name: str,
                    after_name: str) -> Changes:
    from generator.case import CaseOptions, build_case
    from generator.changes import compare
    from generator.model import ReviewPeriod

    def whole(record: Record) -> Record:
        return replace(record, settings=record.settings.model_copy(update={"period": ReviewPeriod()}))

    options = CaseOptions(today=today, audience=audience)
    return compare(build_case(whole(before), options), build_case(whole(after), options), before_name, after_name)


@without_cycle_collection
def diff(root: Path, before: str, after: str | None, audience: str, today: dt.date | None = None) -> Changes:
    """`careerfolio diff`: what changed in the record between two revisions, or a revision and
    the work tree."""
    from generator.history import resolve_revision

    today = today or build_date()
    older = record_at(root, resolve_revision(root, before), before)
    if after is None:
        newer = read(root.resolve(), Cache(), Timings()).record
    else:
        newer = record_at(root, resolve_revision(root, after), after)
    return compare_records(older, newer, audience, today, before, after or "the work tree")


@without_cycle_collection
def read_case(request: BuildRequest, cache: Cache | None = None) -> Case:
    """The case one build would show — its audience, variant and period — without rendering it.

    `export` writes this case in another format, so an export holds exactly what the
    site built with the same options shows.
    """
    from generator.case import build_case

    cache = cache if cache is not None else Cache()
    with build_lock(request.root):
        record = read(request.root.resolve(), cache, Timings()).record
        cache.save()
    target = plan_targets(record, request, request.today or build_date())[0]
    return build_case(record, target.options)


@dataclass(frozen=True)
class CheckResult:
    """What `careerfolio check` found: errors, else advice, and how much was checked."""

    findings: tuple
    entries: int

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == "error")


@without_cycle_collection
def check(root: Path, today: dt.date | None = None, cache: Cache | None = None) -> CheckResult:
    """Validate the record and, when it has no errors, coach the case.

    Files are read through the same cache as builds, so a check after a build, or after an
    edit of one file, parses only what changed.
    """
    from generator.lint import advise
    from generator.problems import RecordProblems

    cache = cache if cache is not None else Cache()
    try:
        with build_lock(root):
            record = read(root.resolve(), cache, Timings()).record
            cache.save()
    except RecordProblems as error:
        return CheckResult(tuple(error.problems), 0)
    return CheckResult(tuple(advise(record, today or build_date())),
                       sum(len(items) for items in record.entries.values()))
