"""``iccity calendar show 2026-10`` prints a month; ``iccity calendar check 2027`` says whether holiday data exists.

``check`` exits with status 1 when a year has no data, so a yearly cron job (or CI) can remind admins in November.
"""
from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError

from iccity.core.calendar import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, CalendarDataMissing, WorkdayCalendar

WEEKDAYS = "一二三四五六日"


class Command(BaseCommand):
    help = "工作日日历：show YYYY-MM 显示某月放假调休安排；check YYYY 检查某年是否已有节假日数据"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        show = sub.add_parser("show", help="显示某月每天是否上班（如 2026-10）")
        show.add_argument("month", help="年月，格式 YYYY-MM")
        check = sub.add_parser("check", help="检查某年是否已有节假日数据（无数据时退出码为 1）")
        check.add_argument("year", type=int)

    def handle(self, *args, subcommand: str, **opts):
        calendar = WorkdayCalendar()
        if subcommand == "show":
            self._show(calendar, opts["month"])
        else:
            self._check(calendar, opts["year"])

    def _show(self, calendar: WorkdayCalendar, month: str) -> None:
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", month.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise CommandError(f"月份格式应为 YYYY-MM，收到“{month}”")
        year, mon = int(match[1]), int(match[2])
        try:
            days = calendar.month(year, mon)
        except CalendarDataMissing as exc:
            raise CommandError(str(exc)) from exc
        workdays = sum(d.is_workday for d in days)
        self.stdout.write(f"{year}年{mon}月（工作日 {workdays} 天，数据来源：{calendar.coverage_source(year)}）")
        for info in days:
            mark = "班" if info.is_workday else "休"
            note = "" if info.kind == "workday" else info.label
            if info.from_override:
                note += "（管理后台调整）"
            self.stdout.write(f"{info.date:%m-%d} 周{WEEKDAYS[info.date.weekday()]} {mark} {note}".rstrip())

    def _check(self, calendar: WorkdayCalendar, year: int) -> None:
        source = calendar.coverage_source(year)
        if source is None:
            raise CommandError(str(CalendarDataMissing(year)))
        self.stdout.write(f"{year}年：已有节假日数据（{source}；软件包覆盖 {PACKAGE_FIRST_YEAR}–{PACKAGE_LAST_YEAR} 年）")
