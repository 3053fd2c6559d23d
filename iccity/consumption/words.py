"""Words of the consumption app for the translation table (core.words)."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register

register(VERB, {
    "consumption.calendar.refreshed": L("更新消费日历"), "consumption.demo.removed": L("删除示例消费数据"),
    "consumption.ingest.complete": L("导入消费数据"), "consumption.ingest.duplicate": L("重复的消费数据文件（未导入）"),
    "consumption.rollups.rebuilt": L("重建消费汇总"), "consumption.metrics.published": L("发布消费指标"),
})
