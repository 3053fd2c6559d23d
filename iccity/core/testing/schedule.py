"""Test files handed to the xdist workers longest first, so both cores finish together.

``make test`` runs with ``--dist loadfile`` (a file's tests stay on one worker: module fixtures such as the Spark
session or the permission-matrix dataset are built once). xdist hands files out in order of their number of tests,
which puts the browser and server files (few tests, many seconds each) at the end: one worker then runs the last
half-minute alone. Here the order is by each file's measured time in the previous run on this machine (recorded
by the controller in ``.pytest_cache/iccity-durations.json``), then by ``durations.json`` beside this module (a
committed measurement, for a fresh clone), then by test count. The order changes only which worker runs a file and
when; each file still runs whole and in its own order, so results cannot depend on it.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from xdist.scheduler import LoadFileScheduling

COMMITTED = Path(__file__).with_name("durations.json")
SECONDS_PER_UNKNOWN_TEST = 0.15


def local_record(rootdir: Path) -> Path:
    return rootdir / ".pytest_cache" / "iccity-durations.json"


def _read(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, (int, float))}


def known_durations(rootdir: Path) -> dict[str, float]:
    return {**_read(COMMITTED), **_read(local_record(rootdir))}


class LongestFileFirst(LoadFileScheduling):
    def __init__(self, config, log=None):
        super().__init__(config, log)
        self._durations = known_durations(Path(config.rootpath))
        self._ordered = False

    def _weight(self, scope: str, work_unit: dict) -> float:
        seconds = self._durations.get(scope)
        return seconds if seconds is not None else len(work_unit) * SECONDS_PER_UNKNOWN_TEST

    def _assign_work_unit(self, node) -> None:
        # schedule() fills the queue once, then assigns; order it on the first assignment.
        if not self._ordered:
            ranked = sorted(self.workqueue.items(), key=lambda item: -self._weight(*item))
            self.workqueue.clear()
            self.workqueue.update(ranked)
            self._ordered = True
        super()._assign_work_unit(node)


class DurationRecorder:
    """Controller side: each file's setup + call + teardown seconds, kept for the next run's order."""

    def __init__(self, rootdir: Path):
        self.rootdir = rootdir
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report) -> None:
        self.seconds[report.nodeid.split("::", 1)[0]] += report.duration

    def pytest_sessionfinish(self, session, exitstatus) -> None:
        if not self.seconds or exitstatus not in (0, 1):
            return
        path = local_record(self.rootdir)
        kept = {name: s for name, s in _read(path).items() if (self.rootdir / name).exists()}  # files since removed go
        merged = {**kept, **{name: round(s, 2) for name, s in self.seconds.items()}}
        try:
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps(dict(sorted(merged.items())), indent=0), encoding="utf-8")
        except OSError:
            pass  # a read-only checkout only loses the hint
