"""Words of the plans app for the translation table (core.words)."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register, register_detail

register(VERB, {
    "plans.assignment.role_changed": L("调整单位分工"), "plans.import_draft.committed": L("确认导入方案草稿"),
    "plans.import_draft.corrected": L("修改方案草稿"), "plans.import_draft.created": L("上传方案待审核"),
    "plans.import_draft.discarded": L("放弃方案草稿"), "plans.plan.created": L("新建方案"),
    "plans.task.corrected_in_review": L("审核时修改任务"), "plans.version.collectives_refreshed": L("更新集合单位成员"),
    "plans.version.imported": L("导入方案版本"),
})


def _role_changed(before, after) -> str:
    from iccity.core.words import word

    old, new = (before or {}).get("role"), (after or {}).get("role")
    if old and new:
        return str(L("分工由“%(old)s”改为“%(new)s”")) % {"old": word(old, "plans.assignment.role"), "new": word(new, "plans.assignment.role")}
    return ""


register_detail("plans.assignment.role_changed", _role_changed)
