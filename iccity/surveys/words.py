"""Words of the surveys app for the translation table (core.words)."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register

register(VERB, {
    "surveys.area.created": L("新增调查区域"), "surveys.response.submitted": L("提交问卷"),
    "surveys.survey.created": L("新建满意度调查"), "surveys.wave.created": L("新建调查轮次"),
    "surveys.wave.frozen": L("冻结调查结果"), "surveys.response.accepted": L("审核通过答卷"),
    "surveys.response.rejected": L("审核不通过答卷"),
})
