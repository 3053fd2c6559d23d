"""ops in the authorization contract: the scheduled-jobs page is the office's."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import is_office


def register() -> None:
    policy.register("ops.view_jobs", "定时任务", "只有领导小组办公室工作人员可以查看定时任务", is_office, kinds=policy.ANY)
    policy.register("ops.run_maintenance", "系统运维", "只有领导小组办公室工作人员可以清理运行记录、备份或恢复数据",
                    is_office, kinds=policy.ANY)
    navigation.register("admin", "定时任务", "ops:jobs", "ops.view_jobs", order=70)
