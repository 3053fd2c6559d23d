"""Words of the credit app for the translation table (core.words)."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register

register(VERB, {
    "credit.commitment.recorded": L("登记信用承诺"), "credit.entry.registered": L("登记信用信息"),
    "credit.entry.removed": L("移出公示（信用修复）"), "credit.entry.revoked": L("撤销信用信息"),
    "credit.merchant.registered": L("登记市场主体"), "credit.merchant.uscc_reviewed": L("复核统一社会信用代码"),
    "credit.repair.review_started": L("开始审核信用修复申请"), "credit.repair.submitted": L("提交信用修复申请"),
    "credit.repair.reviewing": L("开始审核信用修复申请"), "credit.repair.approved": L("同意信用修复"),
    "credit.repair.rejected": L("不予信用修复"),
})
