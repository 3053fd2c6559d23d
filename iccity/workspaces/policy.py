"""workspaces in the authorization contract: who may open each desk, and the desks' menu entries."""
from __future__ import annotations

from iccity.core import navigation, policy

OFFICE_DESK = "workspaces.view_office_desk"
TASKFORCE_DESK = "workspaces.view_taskforce_desk"


def _office(person, obj=None) -> bool:
    return person.office_admin


def _task_force_staff(person, obj=None) -> bool:
    return bool(person.task_forces)


def register() -> None:
    from iccity.core.actions import ActionRefused

    from .registry import Desk, has_desk

    policy.register(OFFICE_DESK, "办公室工作台", "只有领导小组办公室工作人员可以使用办公室工作台", _office, kinds=policy.ANY)
    policy.register(TASKFORCE_DESK, "专班工作台", "只有专班成员可以使用专班工作台", _task_force_staff, kinds=policy.ANY)
    policy.register("workspaces.use_desk", "切换工作台", "您没有该工作台的权限", has_desk, kinds=Desk,
                    error=ActionRefused)
    navigation.register("work", "办公室工作台", "workspaces:office", OFFICE_DESK, order=1)
    navigation.register("work", "专班工作台", "workspaces:taskforce", TASKFORCE_DESK, order=2)
