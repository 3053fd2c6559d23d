"""Human-readable summary of a ``ParsedPlan`` (``iccity plan parse --format text``). No Django: the parse command
runs before Django is set up (see iccity/__main__.py)."""
from __future__ import annotations

from .result import ParsedPlan


def render_text(plan: ParsedPlan) -> str:
    lines = [f"标题：{plan.title or '（未识别）'}", f"发文机关：{plan.issuer or '（未识别）'}", f"日期：{plan.date or '（未识别）'}"]
    lines.append(f"格式：{plan.source_format}{'（' + plan.encoding + '）' if plan.encoding else ''}")
    lines += [f"说明：{note}" for note in plan.notes]
    lines.append("")
    lines.append(f"工作目标 {len(plan.goals)} 条")
    for goal in plan.goals:
        lines.append(f"  [{goal.year or '—'}] {goal.text}")
    lines.append(f"任务板块 {len(plan.groups)} 个，重点任务 {len(plan.tasks)} 项，保障措施 {len(plan.measures)} 项")
    groups = {g.number: g for g in plan.groups}
    current = None
    for task in plan.tasks:
        if task.group != current and task.group in groups:
            current = task.group
            lines.append(f"（{current}）{groups[current].title}")
        units = "、".join(f"{u.name}{'★' if u.role == 'lead' else ''}" for u in task.units)
        due = f"  〔完成时限：{task.deadline_text}〕" if task.deadline_text else ""
        doubt = f"  〔置信度{task.confidence:.2f}〕" if task.confidence < 0.8 else ""
        lines.append(f"  {task.number}. {task.title} —— {units}{due}{doubt}")
    if plan.measures:
        lines.append("保障措施")
        for m in plan.measures:
            units = "、".join(f"{u.name}{'★' if u.role == 'lead' else ''}" for u in m.units)
            lines.append(f"  （{m.number}）{m.title} —— {units}")
    lines.append(f"责任分工 {plan.assignment_count} 条（重点任务）+ {sum(len(m.units) for m in plan.measures)} 条（保障措施），"
                 f"涉及单位 {len(plan.distinct_unit_names())} 个（★为牵头）")
    if plan.milestones:
        lines.append(f"阶段 {len(plan.milestones)} 个")
        for m in plan.milestones:
            lines.append(f"  {m.title}：{m.start or '—'} 至 {m.due or '—'}")
    if plan.targets:
        lines.append(f"量化目标 {len(plan.targets)} 个")
        for t in plan.targets:
            lines.append(f"  {t.year or ''} {t.subject} {t.comparator} {t.value if t.value is not None else ''}{t.unit}  «{t.text}»")
    if plan.warnings:
        lines.append(f"提示 {len(plan.warnings)} 条")
        for w in plan.warnings:
            lines.append(f"  第{w.line}行：{w.message}")
    return "\n".join(lines)
