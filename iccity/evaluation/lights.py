"""Task status lights from time and results.

A task's light combines (1) deadline proximity and overdue work items (working days), (2) reported progress against
elapsed time (序时进度), and (3) the trajectory status of the indicators linked to the task. Thresholds, colours and
their order live in the ``evaluation.lights`` rule (``core.Rule``); the worst colour any reason gives wins, and every
reason is kept so a light explains itself.

CONTRACT (used by dashboards, reports and the scoring job):
    compute_light(task, on) -> Light
    task_lights(version, on=None) -> dict[int, Light]      # by task id, a bounded number of queries
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reason:
    code: str          # e.g. "items_overdue", "behind_schedule", "indicator_limited", "deadline_near"
    text: str          # Chinese, e.g. "2 项事项逾期超过10个工作日"
    colour: str        # the colour this reason alone gives


@dataclass(frozen=True)
class Light:
    colour: str                      # rule colour code, e.g. "red"
    label: str                       # Chinese label from the rule, e.g. "红"
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    rule_version: int | None = None

    @property
    def explanation(self) -> str:
        """"红：2 项事项逾期超过10个工作日；社零 轨迹进展有限" — the label, then each reason that set the colour."""
        worst = [r.text for r in self.reasons if r.colour == self.colour]
        return f"{self.label}：{'；'.join(worst)}" if worst else self.label
