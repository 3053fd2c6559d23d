"""Differences between two plan versions: what an editor changed in the document.

Tasks are matched by title first, then by number, so inserting a task does not make every later task look changed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .models import PlanVersion


@dataclass
class TaskChange:
    kind: str
    old_key: str
    new_key: str
    title: str
    old_title: str = ""
    renumbered: bool = False
    text_changed: bool = False
    units_added: list[str] = field(default_factory=list)
    units_removed: list[str] = field(default_factory=list)
    roles_changed: list[str] = field(default_factory=list)   # "区商务局：配合→牵头"
    order_changed: bool = False

    @property
    def title_changed(self) -> bool:
        return bool(self.old_title) and self.old_title != self.title


@dataclass
class VersionDiff:
    old_number: int
    new_number: int
    meta_changed: dict[str, tuple] = field(default_factory=dict)
    goals_changed: list[str] = field(default_factory=list)
    groups_changed: list[str] = field(default_factory=list)
    tasks_added: list[dict] = field(default_factory=list)
    tasks_removed: list[dict] = field(default_factory=list)
    tasks_changed: list[TaskChange] = field(default_factory=list)
    corrections: list[dict] = field(default_factory=list)   # the office's review corrections made before import

    @property
    def is_empty(self) -> bool:
        return not (self.meta_changed or self.goals_changed or self.groups_changed or self.tasks_added
                    or self.tasks_removed or self.tasks_changed)

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        if self.is_empty:
            return "与上一版相比没有变化"
        parts = []
        if self.tasks_added:
            parts.append(f"新增任务 {len(self.tasks_added)} 项")
        if self.tasks_removed:
            parts.append(f"删除任务 {len(self.tasks_removed)} 项")
        if self.tasks_changed:
            parts.append(f"修改任务 {len(self.tasks_changed)} 项")
        if self.goals_changed:
            parts.append("工作目标有变化")
        if self.corrections:
            parts.append(f"导入前审核更正 {len(self.corrections)} 处")
        if self.groups_changed:
            parts.append("任务板块有变化")
        if self.meta_changed:
            parts.append("标题/日期等有变化")
        return "；".join(parts)


ROLE_LABEL = {"lead": "牵头", "co": "配合"}


def _task_snapshots(version: PlanVersion) -> list[dict]:
    tasks = version.tasks.prefetch_related("assignments__unit").select_related("group")
    out = []
    for task in tasks:
        listed = [a for a in task.assignments.all() if a.parent_id is None]
        listed.sort(key=lambda a: a.position)
        out.append({
            "kind": task.kind, "key": task.key, "number": task.number, "title": task.title, "text": task.text,
            "group": task.group.number if task.group else None,
            "units": [(a.unit.name, a.role) for a in listed],
        })
    return out


def _compare_task(old: dict, new: dict) -> TaskChange | None:
    change = TaskChange(kind=new["kind"], old_key=old["key"], new_key=new["key"], title=new["title"],
                        old_title=old["title"] if old["title"] != new["title"] else "")
    change.renumbered = old["number"] != new["number"]
    change.text_changed = old["text"] != new["text"]
    old_units, new_units = dict(old["units"]), dict(new["units"])
    change.units_added = [u for u in new_units if u not in old_units]
    change.units_removed = [u for u in old_units if u not in new_units]
    change.roles_changed = [
        f"{u}：{ROLE_LABEL[old_units[u]]}→{ROLE_LABEL[r]}" for u, r in new_units.items() if u in old_units and old_units[u] != r
    ]
    common_old = [u for u, _ in old["units"] if u in new_units]
    common_new = [u for u, _ in new["units"] if u in old_units]
    change.order_changed = common_old != common_new
    if not (change.title_changed or change.renumbered or change.text_changed or change.units_added
            or change.units_removed or change.roles_changed or change.order_changed):
        return None
    return change


def diff_versions(old: PlanVersion, new: PlanVersion) -> VersionDiff:
    diff = VersionDiff(old_number=old.number, new_number=new.number,
                       corrections=list((new.parsed or {}).get("corrections") or []))
    for label, attr in (("标题", "title"), ("发文机关", "issuer"), ("成文日期", "issued_on")):
        a, b = getattr(old, attr), getattr(new, attr)
        if a != b:
            diff.meta_changed[label] = (str(a or ""), str(b or ""))
    old_goals = {(g.year, g.text) for g in old.goals.all()}
    new_goals = {(g.year, g.text) for g in new.goals.all()}
    diff.goals_changed = [f"删除：{y or ''}年 {t[:40]}" for y, t in sorted(old_goals - new_goals, key=str)] + [
        f"新增：{y or ''}年 {t[:40]}" for y, t in sorted(new_goals - old_goals, key=str)
    ]
    old_groups = {g.number: g.title for g in old.groups.all()}
    new_groups = {g.number: g.title for g in new.groups.all()}
    for number in sorted(set(old_groups) | set(new_groups)):
        if old_groups.get(number) != new_groups.get(number):
            diff.groups_changed.append(f"（{number}）{old_groups.get(number, '—')} → {new_groups.get(number, '—')}")

    olds, news = _task_snapshots(old), _task_snapshots(new)
    pairs: list[tuple[dict, dict]] = []
    unmatched_old = list(olds)
    unmatched_new = []
    for item in news:
        match = next((o for o in unmatched_old if o["kind"] == item["kind"] and o["title"] == item["title"]), None)
        if match is None:
            unmatched_new.append(item)
        else:
            unmatched_old.remove(match)
            pairs.append((match, item))
    for item in list(unmatched_new):
        match = next((o for o in unmatched_old if o["kind"] == item["kind"] and o["number"] == item["number"]), None)
        if match is not None:
            unmatched_old.remove(match)
            unmatched_new.remove(item)
            pairs.append((match, item))
    for old_task, new_task in pairs:
        change = _compare_task(old_task, new_task)
        if change:
            diff.tasks_changed.append(change)
    diff.tasks_added = [{"key": t["key"], "title": t["title"], "units": [u for u, _ in t["units"]]} for t in unmatched_new]
    diff.tasks_removed = [{"key": t["key"], "title": t["title"], "units": [u for u, _ in t["units"]]} for t in unmatched_old]
    diff.tasks_changed.sort(key=lambda c: (c.kind, int(c.new_key[1:])))
    return diff


def previous_version(version: PlanVersion) -> PlanVersion | None:
    return version.plan.versions.filter(number__lt=version.number).order_by("-number").first()


__all__ = ["TaskChange", "VersionDiff", "diff_versions", "previous_version"]
