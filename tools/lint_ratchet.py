"""Lint ratchet: ruff and mypy over the code base, compared with lint-baseline.json.

New code is held to the full rule set; old code may keep the findings it had when the ratchet was introduced, never
more. A file's count per rule can only go down: `check` fails when any (file, rule) count rises above the baseline or
a file not in the baseline has a finding; `update` rewrites the baseline from the current findings (run it after
fixing old findings, and review the diff: it should only shrink).

    python tools/lint_ratchet.py check     # exit 1 on a regression, naming file, rule and count
    python tools/lint_ratchet.py update
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "lint-baseline.json"
BIN = Path(sys.executable).parent
TARGETS = ["iccity", "bench", "tools"]

Findings = dict[str, dict[str, int]]  # tool:path -> rule -> count


def ruff_findings() -> Counter:
    out = subprocess.run([str(BIN / "ruff"), "check", "--output-format", "json", "--quiet", *TARGETS],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f"ruff failed: {out.stderr.strip()}")
    counts: Counter = Counter()
    for item in json.loads(out.stdout or "[]"):
        path = Path(item["filename"]).resolve().relative_to(ROOT).as_posix()
        counts[(f"ruff:{path}", item["code"] or "syntax")] += 1
    return counts


_MYPY_LINE = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: .*\[(?P<code>[a-z0-9-]+)\]$")


def mypy_findings() -> Counter:
    out = subprocess.run([str(BIN / "mypy"), "iccity"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode not in (0, 1) or (out.returncode == 1 and "error:" not in out.stdout):
        raise SystemExit(f"mypy failed: {out.stdout.strip()[-2000:]} {out.stderr.strip()[-2000:]}")
    counts: Counter = Counter()
    for line in out.stdout.splitlines():
        match = _MYPY_LINE.match(line.strip())
        if match:
            counts[(f"mypy:{Path(match['path']).as_posix()}", match["code"])] += 1
    return counts


def current() -> Counter:
    return ruff_findings() + mypy_findings()


def as_tree(counts: Counter) -> Findings:
    tree: Findings = {}
    for (where, rule), n in sorted(counts.items()):
        tree.setdefault(where, {})[rule] = n
    return tree


def regressions(now: Counter, baseline: Findings) -> list[str]:
    problems = []
    for (where, rule), n in sorted(now.items()):
        allowed = baseline.get(where, {}).get(rule, 0)
        if n > allowed:
            problems.append(f"{where} {rule}: {n} (baseline {allowed})")
    return problems


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    now = current()
    if command == "update":
        BASELINE.write_text(json.dumps(as_tree(now), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        print(f"lint-baseline.json: {sum(now.values())} findings in {len({w for w, _ in now})} files")
        return 0
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    problems = regressions(now, baseline)
    if problems:
        print("Lint findings above the baseline (fix them; the baseline only shrinks):")
        print("\n".join(f"  {p}" for p in problems))
        print("Details: .venv/bin/ruff check <file>  /  .venv/bin/mypy iccity")
        return 1
    old = sum(n for rules in baseline.values() for n in rules.values())
    print(f"lint ratchet: {sum(now.values())} findings, baseline {old}: no regression")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
