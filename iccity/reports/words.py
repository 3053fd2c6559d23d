"""Words of the reports app for the translation table (core.words)."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register

register(VERB, {
    "reports.document.generate": L("生成公文"), "reports.ledger.applied": L("导入台账"),
    "reports.ledger.discarded": L("放弃台账导入"), "reports.ledger.exported": L("导出台账"),
    "reports.ledger.previewed": L("预览台账导入"), "reports.template.retire": L("停用公文模板"),
    "reports.template.upload": L("上传公文模板"),
})
