"""Words of the indicators app for the translation table (core.words)."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register

register(VERB, {
    "indicators.framework.created": L("新建指标体系"), "indicators.indexedition.created": L("生成指数版本"),
    "indicators.indicator.created": L("新增指标"), "indicators.indicator.updated": L("修改指标"),
    "indicators.observation.created": L("录入指标数据"), "indicators.release.created": L("新增数据发布"),
    "indicators.release.loaded": L("载入数据发布"), "indicators.target.adopted": L("采用指标目标"),
    "indicators.target.created": L("新增指标目标"), "indicators.target.proposed": L("提出指标目标"),
    "indicators.indicator.publication": L("决定指标是否公开"),
    "indicators.indicator.published_by_source": L("按来源默认公开指标"),
    "indicators.observations.imported": L("导入指标数据"),
})
