"""core's own permissions and menu entries (the admin site, API docs, login unlocks, the audit export)."""
from __future__ import annotations

from . import navigation, policy

OFFICE_ONLY = "只有领导小组办公室工作人员可以执行此操作"


def is_office(person, obj=None) -> bool:
    return person.office_admin


def signed_in(person, obj=None) -> bool:
    return not person.is_public


def _staff(person, obj=None) -> bool:
    return bool(getattr(person.user, "is_staff", False))


def office_or_staff(person, obj=None) -> bool:
    """Reference data: the office, or system administrators (the admin has already asked Django's model rights)."""
    return person.office_admin or _staff(person)


def register() -> None:
    policy.register("core.admin_site", "管理后台", "只有系统管理员可以进入管理后台", _staff, kinds=policy.ANY)
    policy.register("core.view_api_docs", "API文档", "请先登录",
                    lambda p, o: _staff(p) or p.office_admin, kinds=policy.ANY)
    policy.register("core.unlock_logins", "解除登录锁定", "只有领导小组办公室管理员可以解除登录锁定", is_office, kinds=policy.ANY)
    policy.register("core.export_audit", "导出操作记录", "只有领导小组办公室管理员可以导出操作记录", is_office, kinds=policy.ANY)
    policy.register("core.manage_reference_data", "维护基础数据", "只有领导小组办公室或系统管理员可以维护基础数据",
                    office_or_staff, kinds=policy.ANY)
    policy.register("core.edit_rules", "修改规则", "只有领导小组办公室或系统管理员可以修改规则", office_or_staff,
                    kinds=policy.ANY)
    policy.register("core.edit_calendar", "节假日调整", "只有领导小组办公室或系统管理员可以调整节假日数据",
                    office_or_staff, kinds=policy.ANY)
    navigation.register("admin", "解除登录锁定", "accounts:unlock", "core.unlock_logins", order=80)
    navigation.register("admin", "API文档", "api-1.0.0:openapi-view", "core.view_api_docs", order=90,
                        url=lambda context: "/api/docs", view_checked=False)
    navigation.register("admin", "管理后台", "admin:index", "core.admin_site", order=99, view_checked=False)
