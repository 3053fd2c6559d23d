"""Words of the complaints app for the translation table (core.words): audit verbs (every state transition's own
label from ``states.py``), case channels."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register

from .states import MACHINES

register(VERB, {
    "complaints.case.anonymised": L("匿名化案件个人信息"), "complaints.case.registered": L("登记投诉举报"),
    "complaints.case.route_failed": L("自动分派失败"), "complaints.category.created": L("新增投诉类别"),
    "complaints.export.personal": L("导出含个人信息的案件"), "complaints.case.reassign": L("改派承办单位"),
    "complaints.case.first_contact": L("首次联系投诉人"), "complaints.case.pause": L("中止计时"),
    "complaints.case.resume": L("恢复计时"), "complaints.case.extend_verification": L("延长核查期限"),
    "complaints.case.merged": L("合并案件"), "complaints.case.routed": L("分派承办单位"),
})
for _machine in MACHINES.values():
    register(VERB, {f"complaints.case.{t.action}": t.label for t in _machine.transitions})
    register("complaints.case.state", {code: state.label for code, state in _machine.states.items()})
register("complaints.channel", {
    "web": L("网上提交"), "phone": L("电话"), "12315": L("12315平台"), "open311": L("开放接口（Open311）"),
    "letter": L("信函"), "visit": L("来访"), "email": L("电子邮件"), "sms": L("短信"), "internet": L("网络"),
    "api": L("接口"), "wechat": L("微信"),
})

from .states import REASONS  # noqa: E402 - the legal reasons are data in states.py

register("complaints.reason", REASONS)
