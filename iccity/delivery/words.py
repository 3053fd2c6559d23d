"""Words of the delivery app for the translation table (core.words): audit verbs and their detail sentences."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register, register_detail, word

register(VERB, {
    "delivery.assignment.acknowledged": L("签收任务"), "delivery.assignment.rerouted": L("改派任务"),
    "delivery.assignment.returned": L("退回任务"), "delivery.comment.added": L("添加批示/意见"),
    "delivery.cycle.opened": L("开启报送周期"), "delivery.evidence.attached": L("上传佐证材料"),
    "delivery.evidence.removed": L("删除佐证材料"), "delivery.extension.decided": L("审批延期申请"),
    "delivery.extension.requested": L("申请延期"), "delivery.plan.dispatched": L("下发方案任务"),
    "delivery.report.draft_saved": L("保存报告草稿"), "delivery.task_force.tasks_set": L("设定专班督办任务"),
    "delivery.work_item.accepted": L("确认具体事项"), "delivery.work_item.completed": L("办结具体事项"),
    "delivery.work_item.created": L("新增具体事项"), "delivery.work_item.extended": L("延长事项期限"),
    "delivery.work_item.updated": L("修改具体事项"), "delivery.work_items.proposed": L("提出具体事项"),
    "delivery.report.submitted": L("报送进展报告"), "delivery.report.unit_approved": L("单位负责人审核通过"),
    "delivery.report.unit_returned": L("单位负责人退回报告"), "delivery.report.accepted": L("审核通过进展报告"),
    "delivery.report.returned": L("退回进展报告"), "delivery.report.batch_accepted": L("批量审核通过进展报告"),
    "delivery.notice.preferences_changed": L("修改通知偏好"),
    "delivery.notice.sent": L("发出督办通知"), "delivery.notice.created": L("生成督办通知"),
})


def _count(key: str, text: str):
    def sentence(before, after):
        n = (after or {}).get(key)
        return text % {"n": n} if isinstance(n, int) else ""
    return sentence


register_detail("delivery.work_items.proposed", _count("created", L("提出具体事项 %(n)s 项")))
register_detail("delivery.plan.dispatched", _count("acknowledgements", L("下发至 %(n)s 个单位签收")))
register_detail("delivery.cycle.opened", _count("reports", L("应报报告 %(n)s 份")))


def _rerouted(before, after):
    return _("由 %(a)s 改派至 %(b)s") % {"a": before["unit"], "b": after["unit"]}


def _report_moved(before, after):
    old, new = (before or {}).get("state"), (after or {}).get("state")
    if not (old and new):
        return ""
    return _("由“%(a)s”转为“%(b)s”") % {"a": word(old, "delivery.report.state"), "b": word(new, "delivery.report.state")}


def _extended(before, after):
    old, new = (before or {}).get("deadline") or (after or {}).get("from"), (after or {}).get("deadline") or \
        (after or {}).get("to")
    return _("期限由 %(a)s 调整为 %(b)s") % {"a": old, "b": new} if old and new else ""


def _evidence(before, after):
    name = (after or {}).get("file") or (before or {}).get("file")
    return _("文件：%(f)s") % {"f": name} if name else ""


def _decided(before, after):
    approved = (after or {}).get("approved")
    return "" if approved is None else (_("同意") if approved else _("不同意"))


register_detail("delivery.assignment.rerouted", _rerouted)
for _action in ("submitted", "unit_approved", "unit_returned", "accepted", "returned"):
    register_detail(f"delivery.report.{_action}", _report_moved)
register_detail("delivery.work_item.extended", _extended)
register_detail("delivery.extension.requested", _extended)
register_detail("delivery.evidence.attached", _evidence)
register_detail("delivery.evidence.removed", _evidence)
register_detail("delivery.extension.decided", _decided)
for _quiet in ("delivery.report.draft_saved", "delivery.work_item.created", "delivery.work_item.updated",
               "delivery.work_item.accepted", "delivery.work_item.completed", "delivery.comment.added",
               "delivery.task_force.tasks_set", "delivery.assignment.acknowledged", "delivery.assignment.returned"):
    register_detail(_quiet, lambda before, after: "")  # the object and the note already say it
