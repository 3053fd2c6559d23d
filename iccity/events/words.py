"""Words of the events app for the translation table (core.words)."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register

register(VERB, {
    "events.event.created": L("新建节庆活动"), "events.event.updated": L("修改节庆活动"),
    "events.occurrence.cancelled": L("取消活动场次"), "events.occurrence.confirmed": L("确认活动日期"),
    "events.occurrence.created": L("新增活动场次"), "events.occurrence.regenerated": L("按规则重新推算场次"),
    "events.occurrence.rescheduled": L("调整活动日期"), "events.occurrence.updated": L("修改活动场次"),
})
