"""Tables of the events app: festivals and activities (``Event``) and their dated editions (``Occurrence``).

An event either repeats by a rule (lunar or solar month/day, turned into real dates for each year by ``lunar.py``)
or has only dated occurrences. Occurrences carry what the iCalendar feed needs: a UID that never changes and a
SEQUENCE raised by every change made through the actions; a cancellation stays as a row with ``cancelled_at``.
"""
from __future__ import annotations

import re
import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo

# the confidence grade closing a source line, as the research notes write it: （medium-high）
SOURCE_GRADE = re.compile(r"[（(]\s*([A-Za-z]+(?:-[A-Za-z]+)?)\s*[）)]\s*$")


class EventKind(models.TextChoices):
    LANTERN = "lantern", _("灯会灯展")
    FOLK_FESTIVAL = "folk_festival", _("民俗文化节")
    HARVEST = "harvest", _("农事节庆")
    EXHIBITION = "exhibition", _("会展")
    CONSUMPTION = "consumption", _("促消费活动")
    OTHER = "other", _("其他")


class DateRule(models.TextChoices):
    NONE = "none", _("无固定规则（逐次录入日期）")
    LUNAR = "lunar", _("农历每年")
    SOLAR = "solar", _("公历每年")


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Event(models.Model):
    name = models.CharField(_("名称"), max_length=120, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=EventKind.choices)
    organiser = models.ForeignKey("orgs.Unit", verbose_name=_("主办单位"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="events")
    organiser_text = models.CharField(_("主办单位（原文）"), max_length=200, blank=True,
                                      help_text=_("来源写法；不在单位名录中时填写"))
    task_key = models.CharField(_("关联任务编号"), max_length=10, blank=True, help_text=_("方案任务编号，例如 T4"))
    venue = models.ForeignKey("places.Place", verbose_name=_("场所/商圈"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="events")
    date_rule = models.CharField(_("日期规则"), max_length=10, choices=DateRule.choices, default=DateRule.NONE)
    start_month = models.SmallIntegerField(_("开始月"), null=True, blank=True)
    start_day = models.SmallIntegerField(_("开始日"), null=True, blank=True)
    start_leap = models.BooleanField(_("开始月为闰月"), default=False,
                                     help_text=_("农历：该年没有此闰月时按平月计"))
    end_month = models.SmallIntegerField(_("结束月"), null=True, blank=True)
    end_day = models.SmallIntegerField(_("结束日"), null=True, blank=True)
    end_leap = models.BooleanField(_("结束月为闰月"), default=False)
    start_time = models.TimeField(_("开始时刻"), null=True, blank=True, help_text=_("如亮灯时间；不填为全天"))
    description = models.TextField(_("公开说明"), blank=True)
    internal_note = models.TextField(_("内部备注"), blank=True, help_text=_("不在公开页面和日历中显示"))
    sources = models.TextField(_("来源"), blank=True, help_text=_("每行一条：事实 — 网址（可信度）"))
    revision = models.PositiveIntegerField(_("修订次数"), default=0, editable=False,
                                           help_text=_("名称、地点等实质修改时加一，计入日历 SEQUENCE"))
    is_published = models.BooleanField(_("公开"), default=False)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("节庆活动")
        verbose_name_plural = _("节庆活动")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    def occurrences(self, year: int):
        """The (start, end) dates the rule gives in ``year`` (inclusive); empty without a rule."""
        from .lunar import rule_dates

        return rule_dates(self, year)

    @property
    def rule_text(self) -> str:
        from .lunar import describe_rule

        return describe_rule(self)

    @property
    def source_lines(self) -> list[dict]:
        """``sources`` as written (one line each: 事实 — 网址（可信度）) split into fact, links (the http(s) addresses,
        several separated by ;) and confidence, for the public page."""
        lines = []
        for line in self.sources.splitlines():
            line = line.strip()
            if not line:
                continue
            grade = SOURCE_GRADE.search(line)
            if grade:
                line = line[:grade.start()].rstrip()
            fact, _dash, where = line.rpartition(" — ") if " — " in line else ("", "", line)
            parts = [p.strip() for p in where.split(";") if p.strip()]
            lines.append({"fact": fact.strip(), "links": [p for p in parts if p.startswith(("http://", "https://"))],
                          "text": "；".join(p for p in parts if not p.startswith(("http://", "https://"))),
                          "confidence": grade.group(1) if grade else ""})
        return lines

    @property
    def organiser_label(self) -> str:
        return self.organiser.name if self.organiser else self.organiser_text


class OccurrenceQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_published=True, event__is_published=True)


def new_uid() -> str:
    return f"{uuid.uuid4()}@iccity"


class Occurrence(models.Model):
    event = models.ForeignKey(Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="occurrence_set")
    year = models.PositiveSmallIntegerField(_("年度"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), help_text=_("含当日"))
    from_rule = models.BooleanField(_("按规则生成"), default=False, editable=False)
    rescheduled = models.BooleanField(_("已手工改期"), default=False, editable=False,
                                      help_text=_("改期后按规则重新生成时不再覆盖日期"))
    edition = models.CharField(_("届次"), max_length=40, blank=True, help_text=_("照来源填写，不按年份推算"))
    confirmed = models.BooleanField(_("日期已确认"), default=False,
                                    help_text=_("有主办方公告或报道；未确认的按规则推算，日历中为 TENTATIVE"))
    note = models.TextField(_("公开说明"), blank=True)
    internal_note = models.TextField(_("内部备注"), blank=True)
    sources = models.TextField(_("来源"), blank=True)
    uid = models.CharField(_("日历UID"), max_length=120, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(_("修改序号"), default=0, editable=False)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True, editable=False)
    is_published = models.BooleanField(_("公开"), default=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动场次")
        verbose_name_plural = _("活动场次")
        ordering = ["starts_on", "event__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "year"], condition=Q(from_rule=True),
                                    name="events_occurrence_one_per_rule_year"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="events_occurrence_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.event.name} {self.starts_on:%Y-%m-%d}"

    @property
    def status(self) -> str:
        """iCalendar STATUS, derived from the facts recorded."""
        if self.cancelled_at:
            return "CANCELLED"
        return "CONFIRMED" if self.confirmed else "TENTATIVE"

    @property
    def status_label(self) -> str:
        return {"CANCELLED": "已取消", "CONFIRMED": "已确认", "TENTATIVE": "按规则推算，待确认"}[self.status]

    @property
    def phase(self) -> str:
        today = clock.today()
        if self.ends_on < today:
            return "past"
        return "ongoing" if self.starts_on <= today else "upcoming"

    @property
    def feed_sequence(self) -> int:
        """Both parts only ever grow, so the published SEQUENCE never decreases."""
        return self.sequence + self.event.revision
