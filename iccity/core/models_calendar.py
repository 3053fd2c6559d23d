"""Holiday data maintained by admins: single-day overrides and the years whose schedule has been entered completely.

The ``chinesecalendar`` package carries the State Council's 放假调休安排 only up to the year of its release. A new
year's notice (usually published in November) is entered here as ``HolidayOverride`` rows (every day off and every
调休 working weekend), then the year is confirmed with a ``HolidayYear`` row. Until that confirmation the calendar
refuses to compute dates in that year instead of guessing Monday–Friday.

Overrides also win over the package for years it covers (an ad-hoc extra day off, a correction).
Rows are written only by ``core.actions_calendar`` so every change is audited.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayOverride(models.Model):
    class Kind(models.TextChoices):
        WORKDAY = "workday", _("上班（含调休上班）")
        HOLIDAY = "holiday", _("放假（法定节假日或临时放假）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日名称"), max_length=100, blank=True, help_text=_("如“春节”“国庆节”；调休上班日填所属节日"))
    source = models.CharField(_("依据/来源"), max_length=500, help_text=_("如《国务院办公厅关于2027年部分节假日安排的通知》"))
    note = models.TextField(_("备注"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class HolidayYear(models.Model):
    """A year whose 放假调休安排 has been entered completely in ``HolidayOverride`` (confirmed by an admin).

    "The calendar has data for year Y" means: the chinesecalendar package covers Y, or a HolidayYear row for Y exists.
    Days of a confirmed year without an override are ordinary weekdays / weekends.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据/来源"), max_length=500, help_text=_("国务院办公厅当年节假日安排通知的标题或链接"))
    note = models.TextField(_("备注"), blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), auto_now=True)

    class Meta:
        verbose_name = _("已录入节假日安排的年份")
        verbose_name_plural = _("已录入节假日安排的年份")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年放假调休安排（已录入）"
