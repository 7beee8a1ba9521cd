#!/usr/bin/env python3
"""Time the dossier's PDF for records of 20, 100 and 300 achievements, next to WeasyPrint alone.

usage: python benchmarks/dossier.py [N ...] [--runs R]

For each size: careerfolio's own PDF step (`generator.pdf.make_pdf`, which serves the
dossier's files from memory) against plain WeasyPrint rendering the written dossier.html
from disk. The overhead column is careerfolio's time over WeasyPrint's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def median_time(action, runs: int) -> tuple[float, object]:
    result = action()  # warm up: fonts, imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[20, 100, 300])
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1768435200")

    import weasyprint

    from generator.case import CaseOptions, build_case
    from generator.dossier import render_dossier
    from generator.history import Stamp
    from generator.markdown import MarkdownRenderer
    from generator.pdf import make_pdf
    from generator.render import Templates
    from generator.themes import resolve_theme
    from generator.validate import read_record

    work = Path(tempfile.mkdtemp(prefix="careerfolio-dossier-bench-"))
    print(f"{'N':>5} {'pages':>6} {'careerfolio s':>14} {'WeasyPrint s':>13} {'overhead':>9}")
    try:
        for size in arguments.sizes:
            folder = work / str(size)
            subprocess.run([sys.executable, str(HERE / "make_record.py"), str(size), str(folder)],
                           check=True, stdout=subprocess.DEVNULL)
            root = folder / "record"
            record = read_record(root)
            case = build_case(record, CaseOptions(audience="internal", today=dt.date(2026, 1, 15)))
            chain = resolve_theme("default", root)
            dossier = render_dossier(case, Templates(chain, root, MarkdownRenderer()), chain,
                                     record.content_dir, "A4", Stamp(None, False))
            ours, (_, pages, _) = median_time(lambda dossier=dossier: make_pdf(dossier), arguments.runs)
            written = folder / "dossier"
            for relative, data in dossier.files.items():
                (written / relative).parent.mkdir(parents=True, exist_ok=True)
                (written / relative).write_bytes(data)
            for relative, source in dossier.copies.items():
                (written / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, written / relative)
            alone, _ = median_time(lambda written=written: weasyprint.HTML(filename=str(written / "dossier.html")).write_pdf(),
                                   arguments.runs)
            print(f"{size:>5} {pages:>6} {ours:>14.2f} {alone:>13.2f} {(ours / alone - 1) * 100:>8.1f}%",
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
