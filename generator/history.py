"""The record's place in git history: which commit a build was made from, the record as it
was at a revision, and when each file last changed.

Read with the git command, never with a library, and never by changing the work tree or
the index: a revision's files are read from git's object store into a folder of our own.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.problems import UserError, display_path

GIT_TIMEOUT = 60  # seconds; a record's history is read in one command, not one per file


@dataclass(frozen=True)
class Stamp:
    """Which version of the record a dossier was made from, so a handed-over packet can be found again."""

    commit: str | None
    dirty: bool

    def describe(self) -> str:
        if self.commit is None:
            return "not in git"
        return f"commit {self.commit}" + (" + uncommitted changes" if self.dirty else "")


class GitUnavailable(UserError):
    """The record is not in a git repository, git is missing, or a revision does not exist."""


def git_environment() -> dict[str, str]:
    """This process's environment, without what could point git at another repository."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("GIT_") or key in ("GIT_CONFIG_NOSYSTEM",)}
    environment["GIT_OPTIONAL_LOCKS"] = "0"  # a read must not take the index lock of a busy repository
    return environment


def run_git(root: Path, *arguments: str, text: bool = True, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run git in the record's folder; the environment cannot point it at another repository."""
    return subprocess.run(["git", "-C", str(root), *arguments], capture_output=True, text=text, input=stdin,
                          timeout=GIT_TIMEOUT, check=False, env=git_environment())


class StampReading:
    """The record's git commit and whether its files have changes (nothing outside git),
    read by two git commands started together: they run on another core while the build
    reads the record, instead of one after the other before the build goes on (in a
    repository of 1,000 files, ~15 ms of a build with one file changed). `result` waits for
    them, and ends them.

    `close` ends whatever still runs: a build that stops early leaves no git behind."""

    def __init__(self, record_root: Path):
        self.processes: list[subprocess.Popen] = []
        self.stamp: Stamp | None = None
        try:
            for arguments in (("rev-parse", "--short", "HEAD"), ("status", "--porcelain", "--", ".")):
                self.processes.append(subprocess.Popen(
                    ["git", "-C", str(record_root), *arguments], stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=git_environment()))
        except OSError:  # no git: not in git
            self.close()
            self.stamp = Stamp(None, False)

    def result(self) -> Stamp:
        if self.stamp is None:
            self.stamp = self._wait()
        return self.stamp

    def _wait(self) -> Stamp:
        commit, status = self.processes
        try:
            commit_output, _ = commit.communicate(timeout=GIT_TIMEOUT)
            if commit.returncode != 0:
                return Stamp(None, False)
            status_output, _ = status.communicate(timeout=GIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            return Stamp(None, False)
        finally:
            self.close()
        changes = [line for line in status_output.splitlines() if not _is_output_line(line)]
        return Stamp(commit_output.strip(), bool(changes))

    def close(self) -> None:
        processes, self.processes = self.processes, []
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.communicate()  # reaped, its pipe closed


def _is_output_line(line: str) -> bool:
    return line[3:].startswith(("output/", '"output/'))


def resolve_revision(root: Path, revision: str) -> str:
    """The full commit a revision names (a tag, a branch, `HEAD~3`); a clear error otherwise."""
    if not revision or revision.startswith("-"):
        raise GitUnavailable(f"'{revision}' is not a revision — name a tag, a branch or a commit")
    try:
        inside = run_git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0:
            raise GitUnavailable(f"{display_path(root)} is not in a git repository — run `git init` and commit the record, "
                                 "or leave out the revision")
        found = run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except FileNotFoundError:
        raise GitUnavailable("git is not installed — install git to compare revisions") from None
    except subprocess.TimeoutExpired:
        raise GitUnavailable(f"git took over {GIT_TIMEOUT} s to find '{revision}'") from None
    if found.returncode != 0:
        raise GitUnavailable(f"there is no revision '{revision}' in this repository — name a tag, a branch or a "
                             "commit (`git tag --list`, `git log --oneline`)")
    return found.stdout.strip()


def write_tree_at(root: Path, commit: str, into: Path, skip: tuple[str, ...] = ()) -> int:
    """Write the record's files as they were at `commit` into the folder `into`; return how many.

    Only regular files are written, each inside `into`: a link stored in git is left out,
    like a link out of the record is refused when it is read from the work tree. Folders
    named in `skip` (relative to the record, like `output`) are not read at all.
    """
    prefix = run_git(root, "rev-parse", "--show-prefix").stdout.strip()
    listing = run_git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix or ".", text=False)
    if listing.returncode != 0:
        raise GitUnavailable(f"git could not list the record at {commit[:12]}: "
                             f"{listing.stderr.decode(errors='replace').strip()}")
    wanted: list[tuple[str, PurePosixPath]] = []
    for line in listing.stdout.split(b"\0"):
        if not line:
            continue
        meta, _, name = line.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        path = PurePosixPath(name.decode("utf-8", "surrogateescape"))
        if kind != "blob" or mode not in ("100644", "100755"):
            continue
        relative = PurePosixPath(*path.parts[len(PurePosixPath(prefix).parts):]) if prefix else path
        if ".." in relative.parts or not relative.parts or relative.parts[0] in skip:
            continue
        wanted.append((blob, relative))
    contents = read_blobs(root, [blob for blob, _ in wanted])
    for (blob, relative), data in zip(wanted, contents):
        target = into.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(wanted)


def read_blobs(root: Path, blobs: list[str]) -> list[bytes]:
    """The bytes of many git objects, read in one `git cat-file --batch`."""
    if not blobs:
        return []
    answer = run_git(root, "cat-file", "--batch", text=False, stdin="".join(f"{blob}\n" for blob in blobs).encode())
    output, position, contents = answer.stdout, 0, []
    for _ in blobs:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        size = int(header[2])
        contents.append(output[end + 1:end + 1 + size])
        position = end + 1 + size + 1  # the object, then a newline
    return contents


def last_changes(root: Path) -> dict[str, dt.date]:
    """When each file under the record's folder was last committed, by absolute path.

    One `git log` walks the whole history once, newest first; a file's first appearance is
    its last change. Outside git, or with git missing, nothing is known.
    """
    try:
        log = run_git(root, "log", f"--format={COMMIT_MARK}%x00%cs", "--name-only", "-z", "--no-renames",
                      "--relative", "--", ".", text=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if log.returncode != 0:
        return {}
    changed: dict[str, dt.date] = {}
    base = root.resolve()
    date: dt.date | None = None
    tokens = iter(log.stdout.split(b"\0"))
    for token in tokens:
        if token == COMMIT_MARK_BYTES:
            date = dt.date.fromisoformat(next(tokens).decode())
            continue
        name = token.lstrip(b"\n")
        if name and date is not None:
            changed.setdefault(str(base / name.decode("utf-8", "surrogateescape")), date)
    return changed


# Starts each commit in `git log`'s output; no file of a record is named like it.
COMMIT_MARK = "%x01careerfolio-commit%x01"
COMMIT_MARK_BYTES = b"\x01careerfolio-commit\x01"
