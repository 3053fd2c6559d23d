"""``iccity plan parse|import|versions|diff``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from iccity.core.timefmt import screen_datetime
from iccity.plans.parsing import PlanParseError, parse_file
from iccity.plans.parsing.render import render_text

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "行动方案：解析、导入、查看版本与差异"
    # Data commands need no system checks; the checks import the analytics stack and cost ~3 s per run.
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("parse", help="解析方案文件（txt/docx/pdf），不写数据库")
        p.add_argument("file")
        p.add_argument("--format", choices=["json", "text"], default="json")
        p = sub.add_parser("import", help="导入方案文件为新版本；首次导入为基线版本")
        p.add_argument("file")
        p.add_argument("--plan", dest="plan_slug", help="导入到指定方案（标识），默认按标题匹配")
        p.add_argument("--note", default="", help="版本说明")
        p.add_argument("--accept", action="store_true",
                       help="低于审核阈值的条目也不经审核，直接按解析结果导入（审计记录会注明）")
        p = sub.add_parser("review", help="查看待审核的导入；--commit 确认导入，--discard 放弃")
        p.add_argument("draft_id", type=int)
        p.add_argument("--commit", action="store_true")
        p.add_argument("--discard", action="store_true")
        p = sub.add_parser("versions", help="列出方案的版本")
        p.add_argument("plan_slug", nargs="?")
        p = sub.add_parser("diff", help="比较两个版本")
        p.add_argument("plan_slug")
        p.add_argument("old", type=int)
        p.add_argument("new", type=int)

    def handle(self, *args, **opts):
        getattr(self, "do_" + opts["action"])(**opts)

    def fail(self, message: str) -> None:
        self.stderr.write(f"错误：{message}")
        sys.exit(EXIT_BAD_INPUT)

    def do_parse(self, file: str, format: str, **_):
        try:
            plan = parse_file(file)
        except PlanParseError as exc:
            self.fail(str(exc))
        if format == "json":
            self.stdout.write(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_text(plan))

    def do_import(self, file: str, plan_slug: str | None, note: str, accept: bool = False, **_):
        from iccity.plans.actions import do_start_import
        from iccity.plans.models import ImportDraft

        path = Path(file)
        try:
            data = _read_limited(path)
            outcome = do_start_import(data, path.name, plan_slug=plan_slug, note=note, accept=accept)
        except PlanParseError as exc:
            self.fail(f"{exc}。数据库未做任何修改。")
        if isinstance(outcome, ImportDraft):
            self.show_draft(outcome)
            return
        self.show_outcome(outcome)

    def show_draft(self, draft) -> None:
        from django.urls import reverse

        from iccity.plans.actions import low_confidence

        low = low_confidence(draft.parsed, draft.threshold)
        tasks = draft.parsed["tasks"]
        self.stdout.write(f"未导入：{len(low)} 项低于审核阈值（{draft.threshold}），已保存为待审核导入 #{draft.pk}。")
        for row in low:
            task = tasks[row["index"]]
            units = "、".join(f"{u['name']}{'★' if u['role'] == 'lead' else ''}" for u in task.get("units") or [])
            self.stdout.write(f"  任务{task['number']} {task['title'][:30]} —— {units or '（无单位）'}"
                              f"  置信度{row['confidence']:.2f}：{'；'.join(row['reasons'])}")
        self.stdout.write(f"请在 {reverse('plans:review', args=[draft.pk])} 审核更正后导入；"
                          f"或 iccity plan review {draft.pk} --commit 按现状导入，--discard 放弃。")

    def do_review(self, draft_id: int, commit: bool, discard: bool, **_):
        from iccity.plans.actions import do_commit_draft, do_discard_draft
        from iccity.plans.models import ImportDraft

        draft = ImportDraft.objects.filter(pk=draft_id).first()
        if draft is None:
            self.fail(f"没有编号为 {draft_id} 的待审核导入")
        try:
            if discard:
                do_discard_draft(draft, actor=None)
                self.stdout.write(f"已放弃待审核导入 #{draft_id}")
            elif commit:
                self.show_outcome(do_commit_draft(draft, actor=None))
            else:
                self.stdout.write(f"#{draft.pk} {draft.source_filename}：{draft.get_status_display()}，"
                                  f"已更正 {len(draft.corrections)} 处")
                if draft.status == "pending":
                    self.show_draft(draft)
        except ValueError as exc:
            self.fail(str(exc))

    def show_outcome(self, outcome) -> None:
        v = outcome.version
        if not outcome.created:
            self.stdout.write(f"与现有第{v.number}版内容相同（SHA-256 一致），未创建新版本。")
            return
        self.stdout.write(f"已导入《{v.title}》第{v.number}版{'（基线）' if v.is_baseline else ''}：方案标识 {outcome.plan.slug}")
        self.stdout.write(f"  重点任务 {v.tasks.filter(kind='task').count()} 项，保障措施 {v.tasks.filter(kind='guarantee').count()} 项")
        if outcome.created_units:
            self.stdout.write(f"  新建未核实单位 {len(outcome.created_units)} 个：{'、'.join(outcome.created_units)}")
        for w in outcome.warnings:
            self.stdout.write(f"  提示 第{w['line']}行：{w['message']}")
        if outcome.diff is not None:
            self.stdout.write(render_diff(outcome.diff))

    def do_versions(self, plan_slug: str | None, **_):
        from iccity.plans.models import Plan

        plans = Plan.objects.filter(slug=plan_slug) if plan_slug else Plan.objects.all()
        if plan_slug and not plans:
            self.fail(f"没有标识为 {plan_slug} 的方案")
        for plan in plans:
            self.stdout.write(f"{plan.slug}  {plan.name}")
            for v in plan.versions.order_by("number"):
                self.stdout.write(f"  第{v.number}版  {screen_datetime(v.imported_at)}  {v.source_filename}  {v.source_sha256[:12]}")

    def do_diff(self, plan_slug: str, old: int, new: int, **_):
        from iccity.plans.diff import diff_versions
        from iccity.plans.models import PlanVersion

        try:
            a = PlanVersion.objects.get(plan__slug=plan_slug, number=old)
            b = PlanVersion.objects.get(plan__slug=plan_slug, number=new)
        except PlanVersion.DoesNotExist:
            self.fail(f"方案 {plan_slug} 没有第{old}版或第{new}版")
        self.stdout.write(render_diff(diff_versions(a, b)))


def _read_limited(path: Path) -> bytes:
    from django.conf import settings

    from iccity.plans.parsing import PlanReadError

    if not path.is_file():
        raise PlanReadError("找不到文件", found=str(path))
    size = path.stat().st_size
    limit = settings.ICCITY_MAX_UPLOAD_BYTES
    if size > limit:
        raise PlanReadError(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {limit // 1024 // 1024} MB")
    return path.read_bytes()


def render_diff(diff) -> str:
    lines = [f"第{diff.old_number}版 → 第{diff.new_number}版：{diff.summary()}"]
    for label, (a, b) in diff.meta_changed.items():
        lines.append(f"  {label}：{a} → {b}")
    lines += [f"  目标 {g}" for g in diff.goals_changed]
    lines += [f"  板块 {g}" for g in diff.groups_changed]
    lines += [f"  + 新增 {t['key']} {t['title']}（{'、'.join(t['units'])}）" for t in diff.tasks_added]
    lines += [f"  - 删除 {t['key']} {t['title']}" for t in diff.tasks_removed]
    for c in diff.tasks_changed:
        bits = []
        if c.title_changed:
            bits.append(f"标题“{c.old_title}”→“{c.title}”")
        if c.renumbered:
            bits.append(f"编号 {c.old_key}→{c.new_key}")
        if c.text_changed:
            bits.append("正文有修改")
        if c.units_added:
            bits.append("增加单位 " + "、".join(c.units_added))
        if c.units_removed:
            bits.append("减少单位 " + "、".join(c.units_removed))
        if c.roles_changed:
            bits.append("角色 " + "，".join(c.roles_changed))
        if c.order_changed:
            bits.append("单位顺序调整")
        lines.append(f"  ~ {c.new_key} {c.title}：{'；'.join(bits)}")
    return "\n".join(lines)
