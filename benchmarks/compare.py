#!/usr/bin/env python3
"""Compare versions of careerfolio's code on one measure, their runs interleaved.

usage: python benchmarks/compare.py N [--measure one-edit|story-edit|clean|check] [--rounds R] [--git]
                                      REVISION_OR_FOLDER ...

Each version (a git revision of this repository, or a folder holding a `generator/` package)
builds the same generated record of N achievements, each with a cache and an output folder
of its own; then, round after round, each version runs in a fresh process, in alternating
order, one of:

- `one-edit` (the default): one public achievement's title is changed, then `build --no-pdf`;
- `story-edit`: the same, with a line of its story changed instead (its Markdown is rendered again);
- `clean`: `build --no-pdf --no-cache` into an empty folder; on Linux, each round also runs
  it again for the peak of the summed PSS of all its processes (see build.py);
- `check`: `careerfolio check` after the build.

A machine that slows down for a minute slows every version alike, which figures from
separate runs of build.py cannot promise: their differences of a few tens of milliseconds
are noise.

With `--git` the record is first committed to a git repository of its own, as a user's
record is: a build then reads the record's commit for the dossier.

`python -m generator` imports the package of the folder it runs in before any other, so each
version runs from its own folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build import compile_careerfolio, edit_story, edit_title, peak_pss, public_achievement

# What each measure changes in the record before a round's build
EDITS = {"one-edit": edit_title, "story-edit": edit_story}


def version_folder(version: str, work: Path, index: int) -> Path:
    """The folder of a version's code: the folder given, or the revision unpacked from git."""
    if (Path(version) / "generator").is_dir():
        return Path(version).resolve()
    folder = work / f"version-{index}"
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", version, "generator", "themes"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("versions", nargs="+")
    parser.add_argument("--measure", choices=("one-edit", "story-edit", "clean", "check"), default="one-edit")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--git", action="store_true",
                        help="commit the record first, as a user's record is: the dossier names its commit")
    arguments = parser.parse_args()
    shared_memory = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="careerfolio-compare-", dir=shared_memory if shared_memory.is_dir() else None))
    try:
        measure(arguments, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(arguments: argparse.Namespace, work: Path) -> None:
    subprocess.run([sys.executable, str(HERE / "make_record.py"), str(arguments.size), str(work / "made")],
                   check=True, stdout=subprocess.DEVNULL)
    record = work / "made" / "record"
    if arguments.git:
        identity = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com", "GIT_COMMITTER_NAME": "b",
                    "GIT_COMMITTER_EMAIL": "b@example.com"}
        for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "the record"]):
            subprocess.run(["git", "-C", str(record), *command], check=True, env={**os.environ, **identity})
    path = public_achievement(record)
    runs = []
    for index, version in enumerate(arguments.versions):
        folder = version_folder(version, work, index)
        environment = {**os.environ, "PYTHONPATH": str(folder), "CAREERFOLIO_CACHE_DIR": str(work / f"cache-{index}"),
                       "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1768435200")}
        compile_careerfolio(environment, folder)
        output = work / f"output-{index}"
        build = [sys.executable, "-m", "generator", "build", "--no-pdf", "-C", str(record), "--out", str(output)]
        for _ in range(2):  # the first build fills the cache; the second is the one an edit follows
            subprocess.run(build, cwd=folder, env=environment, check=True, stdout=subprocess.DEVNULL)
        command = {"one-edit": build, "story-edit": build, "clean": [*build, "--no-cache"],
                   "check": [sys.executable, "-m", "generator", "check", "-C", str(record)]}[arguments.measure]
        runs.append((version, folder, environment, command, output, [], []))
    for round_ in range(arguments.rounds):
        for version, folder, environment, command, output, times, memory in (runs if round_ % 2 == 0 else runs[::-1]):
            edit = EDITS.get(arguments.measure)
            if edit is not None:
                edit(path, round_ * len(runs) + len(times))
            if arguments.measure == "clean":
                shutil.rmtree(output, ignore_errors=True)
            start = time.perf_counter()
            # check reports advice with status 0 and errors with 1: neither is a failure here
            subprocess.run(command, cwd=folder, env=environment, check=arguments.measure != "check",
                           stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
            if arguments.measure == "clean" and sys.platform == "linux":
                # in a run of its own: sampling every 5 ms takes time from the build it samples
                shutil.rmtree(output, ignore_errors=True)
                memory.append(peak_pss(command, folder, environment))
    print(f"{arguments.measure} at {arguments.size}, {arguments.rounds} rounds interleaved: seconds, median (min)"
          + (", peak PSS of all processes in MiB, median" if any(run[6] for run in runs) else ""))
    for version, _, _, _, _, times, memory in runs:
        shown = f"  {version:<20} {statistics.median(times):.3f} ({min(times):.3f})"
        print(shown + (f"  {statistics.median(memory):.0f} MiB" if memory else ""))


if __name__ == "__main__":
    main()
