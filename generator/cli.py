"""The command line: parse arguments, run one command, turn errors into messages and exit codes.

Streams are passed in so tests run the real CLI in-process. Heavy modules are imported
inside the commands that use them, so `careerfolio --help` starts at once.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import traceback
from pathlib import Path
from typing import TextIO

from generator import __version__
from generator.cli_text import count
from generator.problems import ExitStatus, RecordProblems, UserError, display_path
from generator.vocabulary import AUDIENCES


def parse_date_argument(text: str):
    from generator.model import PartialDate

    try:
        return PartialDate.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parse_base_url_argument(text: str) -> str:
    """An absolute http(s) address: where a host serves the site (GitHub Pages names it in CI)."""
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text.strip()):
        raise argparse.ArgumentTypeError(f"'{text}' is not an absolute address — write it in full, "
                                         "e.g. https://you.github.io/my-career/")
    return text.strip()


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="careerfolio",
        description="Turn a career record into a promotion-case website and a printable dossier.",
        epilog="Run `careerfolio COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"careerfolio {__version__}")
    # -C and --debug are accepted before or after the command, as with `git -C`
    for where, default_root, default_debug in ((parser, Path("."), False),
                                               (common := argparse.ArgumentParser(add_help=False),
                                                argparse.SUPPRESS, argparse.SUPPRESS)):
        where.add_argument("-C", dest="root", metavar="DIR", type=Path, default=default_root,
                           help="the record's folder (default: the current folder)")
        where.add_argument("--debug", action="store_true", default=default_debug,
                           help="show a traceback for internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", parents=[common], help="build the site and the dossier into output/",
                                description="Build the promotion-case site into output/site/ and the "
                                "dossier (HTML and PDF) into output/dossier/.")
    build.add_argument("--audience", choices=AUDIENCES,
                       help="who the site is for (default: public)")
    build.add_argument("--since", type=parse_date_argument, metavar="DATE",
                       help="leave out entries before DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
    build.add_argument("--until", type=parse_date_argument, metavar="DATE",
                       help="leave out entries after DATE")
    build.add_argument("--drafts", action="store_true", help="include entries marked draft: true")
    build.add_argument("--no-pdf", dest="pdf", action="store_false", help="skip the dossier's PDF")
    build.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: output)")
    build.add_argument("--base-url", type=parse_base_url_argument, metavar="URL",
                       help="the address the site is served from, instead of base_url in careerfolio.yaml "
                       "(e.g. the one GitHub Pages gives in CI)")
    build.add_argument("--no-cache", action="store_true",
                       help="build everything from scratch, without reading or writing the cache")
    which = build.add_mutually_exclusive_group()
    which.add_argument("--variant", metavar="NAME", help="build one variant from careerfolio.yaml")
    which.add_argument("--all-variants", action="store_true", help="build every variant")

    serve = commands.add_parser(
        "serve", parents=[common], help="build, serve on 127.0.0.1 and rebuild on every save",
        description="Build the site, serve it on http://127.0.0.1:8000/, rebuild what changed on every "
        "save and reload the open pages. A save that breaks the record shows its problems over the "
        "page and keeps the last good build.")
    serve.add_argument("--port", type=int, default=8000, help="port to serve on (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to serve on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--audience", choices=AUDIENCES, help="who the site is for (default: public)")
    serve.add_argument("--variant", metavar="NAME", help="serve one variant from careerfolio.yaml")
    serve.add_argument("--drafts", action="store_true", help="include entries marked draft: true")
    serve.add_argument("--pdf", action="store_true",
                       help="also build the dossier and its PDF on every save (slower)")
    serve.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: output)")

    check = commands.add_parser(
        "check", parents=[common], help="validate the record and coach the case",
        description="Validate the record (errors) and coach the promotion case (advice): every "
        "finding with its file, line and rule id. Silence a rule with `check: {ignore: [CF101]}` "
        "in careerfolio.yaml or in one entry.")
    check.add_argument("--strict", action="store_true", help="fail (exit 1) on advice too")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="json: one object per finding and line, for editors and CI")
    check.add_argument("--rules", action="store_true", help="list the advice rules and exit")

    init = commands.add_parser("init", parents=[common], help="start a new record",
                               description="Write a small, complete example record into DIR.")
    init.add_argument("directory", nargs="?", type=Path, default=Path("."), metavar="DIR")
    init.add_argument("--github-pages", action="store_true",
                      help="also write .github/workflows/careerfolio.yml, which builds the public site and "
                      "publishes it on GitHub Pages; in a folder that holds a record already, write only that")

    new = commands.add_parser(
        "new", parents=[common], help="start a new entry with every field stubbed",
        description="Start a new entry: an achievement or project is a new Markdown file; a goal, "
        "feedback, certification or learning entry is appended to its list file, comments kept. "
        "Never overwrites; prints the path.")
    new.add_argument("kind", choices=("achievement", "project", "goal", "feedback", "certification", "learning"),
                     metavar="KIND", help="achievement, project, goal, feedback (TITLE is the quote), "
                     "certification or learning")
    new.add_argument("title", metavar="TITLE", help='e.g. "Cut build time by 63%%"')

    schema = commands.add_parser(
        "schema", parents=[common], help="write JSON Schemas of the record's files, for editors",
        description="Write a JSON Schema (draft 2020-12) of every file of the record into schema/, "
        "for completion and validation in editors with the YAML language server.")
    schema.add_argument("--out", type=Path, metavar="DIR", help="folder to write into (default: schema)")
    schema.add_argument("--check", action="store_true",
                        help="write nothing; fail if the schemas there are missing or out of date")

    diff = commands.add_parser(
        "diff", parents=[common], help="what changed in the record between two git revisions",
        description="Say what changed in the record since a git revision (a tag such as the last review's, a "
        "branch, a commit): achievements added, removed or with new numbers, goals that moved, certifications "
        "earned or expired, coverage of the ladder, feedback received. Reads git; never changes the work tree.")
    diff.add_argument("before", metavar="REV", help="the older version, e.g. review-2025 or HEAD~10")
    diff.add_argument("after", metavar="REV2", nargs="?", help="the newer version (default: the files as they are now)")
    diff.add_argument("--format", choices=("text", "md", "json"), default="text",
                      help="md: Markdown to paste into a review; json: for scripts")
    diff.add_argument("--audience", choices=AUDIENCES, default="internal",
                      help="whose view to compare (default: internal, like the dossier)")

    export = commands.add_parser(
        "export", parents=[common], help="write the record in another format (jsonresume)",
        description="Write the record, as one audience sees it, in another format.")
    export_formats = export.add_subparsers(dest="format", metavar="FORMAT", required=True)
    jsonresume = export_formats.add_parser(
        "jsonresume", parents=[common], help="JSON Resume (v1.2.1), to stdout or -o FILE",
        description="Write the record as a JSON Resume (v1.2.1): what the site for the audience shows, with "
        "everything JSON Resume has no field for under meta.careerfolio, so that `careerfolio import "
        "jsonresume` gives the same record back.")
    jsonresume.add_argument("-o", "--output", type=Path, metavar="FILE",
                            help="the file to write (default: standard output)")
    jsonresume.add_argument("--audience", choices=AUDIENCES, help="who it is for (default: public)")
    jsonresume.add_argument("--variant", metavar="NAME", help="export one variant from careerfolio.yaml")

    import_ = commands.add_parser(
        "import", parents=[common], help="start a record from another format (jsonresume)",
        description="Write a new record from a file in another format; never overwrites.")
    import_formats = import_.add_subparsers(dest="format", metavar="FORMAT", required=True)
    from_jsonresume = import_formats.add_parser(
        "jsonresume", parents=[common], help="a new record from a JSON Resume file",
        description="Write a new record from a JSON Resume file: the profile, achievements (from work "
        "highlights, awards and publications), projects (from projects, jobs and volunteering), "
        "certifications, feedback (from references) and learning (from education). Says what it could "
        "not carry over; writes nothing if any file it would write exists, or if the file has problems.")
    from_jsonresume.add_argument("file", type=Path, metavar="FILE", help="the JSON Resume, e.g. resume.json")
    from_jsonresume.add_argument("--into", type=Path, metavar="DIR",
                                 help="the folder of the new record (default: the current folder, or -C DIR)")

    commands.add_parser("themes", parents=[common], help="list the themes and where each comes from")
    return parser


def run() -> None:
    """The `careerfolio` command: `main`, then leave at once.

    A large build ends holding hundreds of megabytes of small objects, which the interpreter
    would free one by one on its way out (most of a second at 10,000 achievements); the
    system takes the whole process back at once. Nothing is left to finish by then: every
    file is written and closed and every worker process joined; the output streams are
    flushed here.

    For the same reason the cyclic garbage collector stays off: it would walk the heap in
    vain, and, turned back on after a build, walk at once everything the build made (~40 ms
    of a one-edit build at 1,000). `serve`, which lives on, turns it back on.
    """
    gc.disable()
    status = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # a reader that went away, or a closed stream: nothing more can be said
    os._exit(int(status))


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the CLI; return the exit status instead of exiting, for tests and embedding."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = make_parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            arguments = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed help, the version or the usage error
        return int(exit_.code or 0)
    if arguments.command is None:
        parser.print_help(stdout)
        return ExitStatus.USAGE_ERROR
    try:
        return COMMANDS[arguments.command](arguments, stdout, stderr)
    except RecordProblems as error:
        for problem in error.problems:
            print(problem.describe(), file=stderr)
        print(f"{count(len(error.problems), 'problem')} in the record; nothing was written",
              file=stderr)
        return ExitStatus.RECORD_ERROR
    except UserError as error:
        print(f"careerfolio: {error}", file=stderr)
        return error.exit_status
    except KeyboardInterrupt:
        print("careerfolio: interrupted", file=stderr)
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # the reader went away (`careerfolio diff v1 | head`): nothing is wrong, and nothing more to say
        if stdout is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's flush at exit too
        return ExitStatus.OK
    except Exception as error:  # noqa: BLE001 - our own bug: say so plainly, trace on request
        if getattr(arguments, "debug", False):
            traceback.print_exc(file=stderr)
        print(f"careerfolio: internal error: {type(error).__name__}: {error} — this is a bug in "
              "careerfolio; run again with --debug and report the traceback", file=stderr)
        return ExitStatus.INTERNAL_ERROR


def run_build(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from generator.cache import Cache
    from generator.pipeline import BuildRequest, build

    request = BuildRequest(
        root=arguments.root, audience=arguments.audience, since=arguments.since,
        until=arguments.until, drafts=arguments.drafts, out=arguments.out,
        variant=arguments.variant, all_variants=arguments.all_variants, pdf=arguments.pdf,
        base_url=arguments.base_url)
    cache = Cache() if arguments.no_cache else Cache.for_record(arguments.root)
    result = build(request, cache, waiting=lambda message: print(f"careerfolio: {message}…", file=stderr),
                   save=True)
    for line in describe_build(result):
        print(line, file=stdout)
    return ExitStatus.OK


def describe_build(result) -> list[str]:
    """The lines that tell the user what a build made: one per output, then what was left out."""
    lines = []
    for output in result.outputs:
        suffix = f" ({output.variant})" if output.variant else ""
        changed = "nothing changed" if result.unchanged else (
            f"{output.written} written" + (f", {output.removed} removed" if output.removed else ""))
        if output.kind == "site":
            lines.append(f"site{suffix}: {display_path(output.folder)}/ — {count(output.files, 'file')} "
                         f"({changed}), {count(output.achievements, 'achievement')}, audience {output.audience}")
            lines.append(f"  {output.left_out}")
            if not output.sitemap:
                lines.append("  no sitemap.xml, feed or social card: set base_url in careerfolio.yaml (or pass "
                             "--base-url) to get them")
        else:
            lines.append(f"dossier{suffix}: {display_path(output.folder)}/dossier.html and {output.pdf}, "
                         f"audience {output.audience}")
            lines.append(f"  {output.left_out}")
    lines.extend(f"  {warning}" for warning in result.warnings)
    return lines


def run_serve(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from generator.pipeline import BuildRequest
    from generator.serve import ServeOptions, serve

    request = BuildRequest(root=arguments.root, audience=arguments.audience, drafts=arguments.drafts,
                           out=arguments.out, variant=arguments.variant, pdf=arguments.pdf)
    serve(ServeOptions(request, arguments.host, arguments.port), stdout, stderr)
    return ExitStatus.OK


def run_check(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from generator.lint import RULES, finding_as_json
    from generator.pipeline import check

    if arguments.rules:
        for rule in RULES.values():
            print(f"{rule.id}  {rule.summary}", file=stdout)
        return ExitStatus.OK
    from generator.cache import Cache

    result = check(arguments.root, cache=Cache.for_record(arguments.root))
    errors = result.errors
    advice = len(result.findings) - errors
    for finding in result.findings:
        if arguments.format == "json":
            print(finding_as_json(finding), file=stdout)
        else:
            print(finding.describe(), file=stdout)
    summary = f"{count(errors, 'error')}, {advice} advice"
    if errors:
        summary += "; advice comes once the errors are fixed"
    else:
        summary += f" ({count(result.entries, 'entry')} and the profile checked)"
    if advice and not errors and arguments.strict:
        summary += "; --strict makes advice fail the check"
    print(summary, file=stderr if arguments.format == "json" else stdout)
    failed = errors or (arguments.strict and advice)
    return ExitStatus.RECORD_ERROR if failed else ExitStatus.OK


def run_init(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from generator.starter import is_record, write_starter_record, write_workflow

    directory = arguments.directory if arguments.directory.is_absolute() else arguments.root / arguments.directory
    pages_next = ("commit the workflow and push it, and in the repository's Settings → Pages set Source to "
                  "\"GitHub Actions\"")
    if arguments.github_pages and is_record(directory):
        workflow = write_workflow(directory)
        print(f"{display_path(workflow)}: builds the public site and publishes it on GitHub Pages", file=stdout)
        print(f"next: {pages_next}", file=stdout)
        return ExitStatus.OK
    written = write_starter_record(directory, github_pages=arguments.github_pages)
    print(f"a new record in {directory}: {count(len(written), 'file')} written", file=stdout)
    print(f"next: cd {directory}, write your own words where `careerfolio check` points (init leaves "
          "placeholders a build refuses to publish), then `careerfolio build`", file=stdout)
    if arguments.github_pages:
        print(f"to publish: {pages_next}", file=stdout)
    return ExitStatus.OK


def run_new(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from generator.pipeline import build_date
    from generator.scaffold import create_entry
    from generator.validate import read_settings

    root, settings = read_settings(arguments.root)
    path = create_entry(root / settings.content_dir, arguments.kind, arguments.title, build_date())
    print(display_path(path), file=stdout)
    if arguments.kind in ("achievement", "project"):
        print(f"the {arguments.kind} is a draft (draft: true), left out of builds until it is written: fill in "
              "the summary, the numbers and the story, then set draft: false", file=stderr)
    print("next: fill in the empty fields, then run `careerfolio check`", file=stderr)
    return ExitStatus.OK


def run_schema(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from generator.schema import SCHEMA_FILES, SCHEMA_FOLDER, stale_schema_files, write_schema

    folder = arguments.out if arguments.out is not None else arguments.root / SCHEMA_FOLDER
    shown = display_path(folder)
    if arguments.check:
        stale = stale_schema_files(folder)
        for name in stale:
            print(f"{display_path(folder / name)}: missing or out of date — run `careerfolio schema`",
                  file=stdout)
        print(f"{shown}: {count(len(stale), 'schema')} to update" if stale else f"{shown}: up to date",
              file=stdout)
        return ExitStatus.RECORD_ERROR if stale else ExitStatus.OK
    written = write_schema(folder)
    print(f"{shown}: {count(len(written), 'schema')} written, "
          f"{len(SCHEMA_FILES) - len(written)} already up to date", file=stdout)
    return ExitStatus.OK


def run_diff(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from generator.changes import as_json, as_markdown, as_text
    from generator.pipeline import diff

    changes = diff(arguments.root, arguments.before, arguments.after, arguments.audience)
    formatter = {"text": as_text, "md": as_markdown, "json": as_json}[arguments.format]
    stdout.write(formatter(changes))
    return ExitStatus.OK


def run_export(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import os
    import tempfile

    from generator.cache import Cache
    from generator.jsonresume import resume_bytes
    from generator.pipeline import BuildRequest, read_case

    case = read_case(BuildRequest(root=arguments.root, audience=arguments.audience, variant=arguments.variant),
                     Cache.for_record(arguments.root))
    data = resume_bytes(case)
    what = (f"JSON Resume of {case.profile.name}, audience {case.audience}: "
            f"{count(len(case.achievements), 'achievement')}, {count(len(case.projects), 'project')}")
    if arguments.output is None:
        stdout.write(data.decode("utf-8"))
        print(f"{what}; {case.left_out_sentence()}", file=stderr)
        return ExitStatus.OK
    target = arguments.output
    target.parent.mkdir(parents=True, exist_ok=True)
    # written aside and renamed: a reader of the file never finds half of it
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    print(f"{display_path(target)}: {what}", file=stdout)
    print(f"  {case.left_out_sentence()}", file=stdout)
    print(f"next: use it with any JSON Resume tool; `careerfolio import jsonresume {display_path(target)}` "
          "reads it back", file=stdout)
    return ExitStatus.OK


def run_import(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from generator.jsonresume_import import describe_import, import_resume

    into = arguments.into if arguments.into is not None else Path(".")
    folder = into if into.is_absolute() else arguments.root / into
    try:
        result = import_resume(arguments.file, folder)
    except RecordProblems as error:
        for problem in error.problems:
            print(problem.describe(), file=stderr)
        print(f"{count(len(error.problems), 'problem')} in {display_path(arguments.file)}; nothing was written",
              file=stderr)
        return ExitStatus.RECORD_ERROR
    for line in describe_import(result, arguments.file):
        print(line, file=stdout)
    shown = display_path(folder)
    print(f"next: careerfolio -C {shown} check, then careerfolio -C {shown} build", file=stdout)
    return ExitStatus.OK


def run_themes(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from generator.themes import discover_themes

    for name, theme in sorted(discover_themes(arguments.root).items()):
        parent = f", extends {theme.parent}" if theme.parent else ""
        print(f"{name:<12} {theme.origin}{parent} — {theme.description}", file=stdout)
        for option_name, option in theme.manifest.options.items():
            default = " ".join(option.default) if isinstance(option.default, list) else option.default
            print(f"{'':<12}   theme_options: {option_name} ({option.type}, default {default}) — "
                  f"{option.description}", file=stdout)
    return ExitStatus.OK


COMMANDS = {"build": run_build, "serve": run_serve, "check": run_check, "init": run_init, "new": run_new, "schema": run_schema,
            "diff": run_diff, "themes": run_themes, "export": run_export, "import": run_import}
