"""complaints in the authorization contract (``core.policy``): filing and tracking are public; the workbench is
for handling units and the office; a case is handled by its unit, its handler or the office; only the office
assigns. Refusals inside actions are ``ActionRefused`` (shown on the case page), as before."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import is_office
from iccity.core.actions import ActionRefused

from .models import Case

HANDLE_MESSAGE = "您不是该案件的承办人员，不能办理"
ASSIGN_MESSAGE = "只有领导小组办公室（分派人员）可以分派或改派案件"
WORKBENCH_MESSAGE = "投诉举报办理页面仅限承办单位人员和领导小组办公室使用"


def may_handle(person, case: Case) -> bool:
    if person.office_admin:
        return True
    user = person.user
    return (case.unit_id is not None and case.unit_id in person.units) or (
        user is not None and case.handler_id == user.pk)


def uses_workbench(person, obj=None) -> bool:
    return person.office_admin or bool(person.units)


def visible_cases(queryset, person):
    return queryset if person.office_admin else queryset.filter(unit_id__in=person.units)


def register() -> None:
    policy.register_public("complaints.file", "投诉举报")
    policy.register_public("complaints.track", "投诉查询")
    policy.register("complaints.use_workbench", "投诉办理", WORKBENCH_MESSAGE, uses_workbench, kinds=policy.ANY,
                    queryset_filter=visible_cases)
    policy.register("complaints.handle_case", "办理投诉案件", HANDLE_MESSAGE, may_handle, kinds=Case,
                    error=ActionRefused)
    policy.register("complaints.assign_case", "分派投诉案件", ASSIGN_MESSAGE, is_office, kinds=(Case, type(None)),
                    error=ActionRefused)
    navigation.register("public", "投诉举报", "complaints:new", "complaints.file", order=50)
    navigation.register("public", "投诉查询", "complaints:track", "complaints.track", order=51)
    navigation.register("work", "投诉办理", "complaints:case_list", "complaints.use_workbench", order=30)
