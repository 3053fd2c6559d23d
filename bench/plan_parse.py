"""Benchmark of the plan parser: start-up of ``iccity plan parse`` and parse time per document.

    .venv/bin/python bench/plan_parse.py [--runs 5] [DOC …]

Documents: the Xiqing seed plan, the genre fixtures, and (when present) the hand-labelled corpus in ../shared/corpus.
Start-up is measured as a whole ``iccity plan parse`` process on the smallest fixture (median of --runs), against
``python -c pass`` in the same run as the floor. Parse time is in-process, median of --runs after one warm-up.
Targets (issue 14): parse < 1 s per document, the command < 1.5 s.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("docs", nargs="*")
    args = parser.parse_args()
    docs = [Path(d) for d in args.docs] or [ROOT / "data" / "xiqing-icc-action-plan-2023-2027.txt",
                                            *sorted((ROOT / "iccity/plans/tests/fixtures/genre").glob("*.txt")),
                                            *sorted((ROOT.parent / "shared" / "corpus").glob("*.txt")),
                                            *sorted(Path("/work/shared/corpus").glob("*.txt"))]
    iccity = str(ROOT / ".venv" / "bin" / "iccity")
    floor = _median_seconds([sys.executable, "-c", "pass"], args.runs)
    smallest = min((d for d in docs if d.exists()), key=lambda d: d.stat().st_size)
    startup = _median_seconds([iccity, "plan", "parse", str(smallest)], args.runs)
    print(f"python -c pass: {floor:.2f} s; iccity plan parse {smallest.name}: {startup:.2f} s (target < 1.5 s)")

    from iccity.plans.parsing import PlanParseError, parse_bytes

    worst = 0.0
    for doc in docs:
        if not doc.exists():
            continue
        data = doc.read_bytes()
        try:
            parse_bytes(data, doc.name)
        except PlanParseError as exc:
            print(f"{doc.name:50s} refused: {exc}")
            continue
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            plan = parse_bytes(data, doc.name)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{doc.name:50s} {len(data) / 1024:6.1f} KB  {median * 1000:7.1f} ms  {len(plan.tasks):3d} items")
    print(f"slowest document: {worst * 1000:.1f} ms (target < 1000 ms)")
    return 0 if startup < 1.5 and worst < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
