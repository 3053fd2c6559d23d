"""``iccity oversee --as USERNAME …``: delivery actions from the command line, as a named user.

The command line is no back door: each subcommand runs the same action with the same permission checks as the
pages, for the user given with ``--as`` (background jobs that act as the system are in ``iccity delivery``).
"""
from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand

from iccity.core.actions import ActionRefused
from iccity.core import clock
from iccity.delivery import actions
from iccity.delivery.models import Acknowledgement, Report
from iccity.delivery.permissions import Scope
from iccity.orgs.permissions import Actor
from iccity.plans.models import Plan


class Command(BaseCommand):
    help = "以指定用户身份执行督办操作（权限与网页一致）"

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True, help="执行操作的用户名")
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("dispatch", help="交办：为方案当前版本的每个责任单位生成签收")
        p.add_argument("plan")
        p = sub.add_parser("open-cycle", help="开启当前报告周期")
        p.add_argument("plan")
        p = sub.add_parser("propose", help="按具体举措为任务拆分事项（待确认）")
        p.add_argument("plan")
        p.add_argument("task_key")
        p = sub.add_parser("acknowledge", help="签收")
        p.add_argument("ack_id", type=int)
        p = sub.add_parser("review", help="审核报告：通过或退回")
        p.add_argument("report_id", type=int)
        p.add_argument("decision", choices=["accept", "return"])
        p.add_argument("--comment", default="")

    def handle(self, *args, username, action, **opts):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            self._fail(f"没有用户 {username}")
        scope = Scope.of(Actor.for_user(user))
        try:
            message = getattr(self, "do_" + action.replace("-", "_"))(scope, **opts)
        except PermissionDenied as exc:
            self._fail(f"无权操作：{exc}")
        except ActionRefused as exc:
            self._fail(exc.message)
        except (Plan.DoesNotExist, Report.DoesNotExist, Acknowledgement.DoesNotExist):
            self._fail("找不到指定的对象")
        self.stdout.write(message)

    def _fail(self, message: str):
        self.stderr.write(f"错误：{message}")
        sys.exit(2)

    def _version(self, slug):
        version = Plan.objects.get(slug=slug).current_version
        if version is None:
            raise ActionRefused("该方案尚未导入任何版本")
        return version

    def do_dispatch(self, scope, plan, **_):
        count = actions.do_dispatch_plan(self._version(plan), scope=scope)
        return f"已交办：新增签收 {count} 条"

    def do_open_cycle(self, scope, plan, **_):
        cycle, count = actions.do_open_cycle(Plan.objects.get(slug=plan), clock.today(), scope=scope)
        return f"{cycle.label}：新增报告 {count} 份，截止 {cycle.due_on:%Y-%m-%d}"

    def do_propose(self, scope, plan, task_key, **_):
        task = self._version(plan).tasks.get(key=task_key)
        items = actions.do_propose_work_items(task, scope=scope)
        return f"{task.key} 拆分出 {len(items)} 个待确认事项"

    def do_acknowledge(self, scope, ack_id, **_):
        actions.do_acknowledge(Acknowledgement.objects.get(pk=ack_id), scope=scope)
        return "已签收"

    def do_review(self, scope, report_id, decision, comment, **_):
        report = actions.do_review(Report.objects.get(pk=report_id), decision == "accept", comment, scope=scope)
        return f"报告 {report} 现为：{report.get_state_display()}"
