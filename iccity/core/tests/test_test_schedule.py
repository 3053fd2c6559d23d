"""make test hands the longest test files out first (iccity/core/testing/schedule.py), from the last run's times."""
from __future__ import annotations

import json
from types import SimpleNamespace

from iccity.core.testing import schedule


class FakeNode:
    def __init__(self):
        self.sent = []

    def send_runtest_some(self, indexes):
        self.sent.append(indexes)


def scheduler(tmp_path, recorded: dict[str, float]):
    record = schedule.local_record(tmp_path)
    record.parent.mkdir()
    record.write_text(json.dumps(recorded), encoding="utf-8")
    config = SimpleNamespace(rootpath=tmp_path, getvalue={"tx": ["2*popen"]}.get)
    return schedule.LongestFileFirst(config)


def test_files_go_out_longest_first_and_unknown_ones_by_their_number_of_tests(tmp_path, monkeypatch):
    monkeypatch.setattr(schedule, "COMMITTED", tmp_path / "none.json")
    sched = scheduler(tmp_path, {"a.py": 1.0, "browser.py": 40.0, "b.py": 3.0})
    files = {"a.py": 30, "b.py": 2, "browser.py": 1, "new.py": 100}  # new.py: unknown, 100 × 0.15 s
    collection = [f"{name}::t{i}" for name, n in files.items() for i in range(n)]
    node = FakeNode()
    sched.registered_collections[node] = collection
    for name, n in files.items():
        sched.workqueue[name] = {f"{name}::t{i}": False for i in range(n)}
    while sched.workqueue:
        sched._assign_work_unit(node)
    handed = [collection[indexes[0]].split("::")[0] for indexes in node.sent]
    assert handed == ["browser.py", "new.py", "b.py", "a.py"]


def test_the_recorder_keeps_each_files_time_and_forgets_removed_files(tmp_path):
    (tmp_path / "kept.py").write_text("")
    (tmp_path / "ran.py").write_text("")
    record = schedule.local_record(tmp_path)
    record.parent.mkdir()
    record.write_text(json.dumps({"kept.py": 5.0, "gone.py": 9.0}), encoding="utf-8")
    recorder = schedule.DurationRecorder(tmp_path)
    for phase in (0.5, 2.0, 0.25):
        recorder.pytest_runtest_logreport(SimpleNamespace(nodeid="ran.py::test_x", duration=phase))
    recorder.pytest_sessionfinish(None, 0)
    assert json.loads(record.read_text(encoding="utf-8")) == {"kept.py": 5.0, "ran.py": 2.75}
