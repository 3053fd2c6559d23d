"""One period's data, every surface: 督办总览 (HTML), the figures API (JSON), the Word monthly report (text), the 台账
(统计 sheet), the command screen and the leader summary must show the same numbers, for three different periods.

The expected numbers are worked out here from the data the test builds (not from ``delivery.figures``), so a surface
that counts differently, or a definition that drifts, fails. The data include the traps that made the surfaces
disagree before: reports with no revision yet, reports submitted but still with the unit head, a report sent up at
23:30 Beijing time on the due day (16:30 the day before in UTC terms is fine; 00:30 the next day is late), and work
items done after the period ended.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from iccity.core import clock
from iccity.delivery.models import Report, ReportingCycle, ReportRevision, WorkItem
from iccity.plans.models import Assignment
from iccity.reports.actions.documents import do_generate_document
from iccity.reports.actions.ledger import do_export_ledger

from .test_documents import text_of

BEIJING = dt.timezone(dt.timedelta(hours=8))


@dataclass
class Period:
    key: str            # YYYY-MM
    start: dt.date
    end: dt.date
    due: dt.date
    closes: dt.date
    today: dt.date      # the day every surface is read
    reports: dict       # kind -> how many
    items: dict         # kind -> how many


PERIODS = [
    # read after the due day: unsent reports are overdue
    Period("2026-05", dt.date(2026, 5, 1), dt.date(2026, 5, 31), dt.date(2026, 6, 5), dt.date(2026, 6, 12),
           dt.date(2026, 6, 10),
           {"empty": 5, "draft": 2, "submitted": 3, "unit_returned": 1, "unit_approved": 2, "accepted_on_time": 4,
            "accepted_edge": 1, "accepted_late": 2, "reviewer_returned": 1},
           {"done_before": 3, "done_after_end": 2, "active_overdue": 4, "active_later": 2, "proposed": 1, "cancelled": 1}),
    # read inside the period, before the due day: nothing overdue yet, items counted at today
    Period("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 6), dt.date(2026, 11, 13),
           dt.date(2026, 10, 20),
           {"empty": 7, "draft": 1, "submitted": 2, "accepted_on_time": 1, "reviewer_returned": 2},
           {"done_before": 1, "active_overdue": 2, "active_later": 3}),
    # the November case of the issue: many slots without a revision, returned-and-resubmitted reports
    Period("2026-11", dt.date(2026, 11, 1), dt.date(2026, 11, 30), dt.date(2026, 12, 7), dt.date(2026, 12, 14),
           dt.date(2026, 12, 9),
           {"empty": 9, "submitted": 4, "unit_returned": 2, "unit_approved": 1, "accepted_on_time": 6,
            "accepted_late": 1, "accepted_edge_late": 1, "reviewer_returned": 3},
           {"done_before": 5, "done_after_end": 1, "active_overdue": 1, "proposed": 2}),
]

SENT = {"unit_approved", "accepted_on_time", "accepted_edge", "accepted_late", "accepted_edge_late", "reviewer_returned"}
ON_TIME = {"unit_approved", "accepted_on_time", "accepted_edge", "reviewer_returned"}
ACCEPTED = {"accepted_on_time", "accepted_edge", "accepted_late", "accepted_edge_late"}
RETURNED = {"unit_returned", "reviewer_returned"}
WAITING = {"submitted", "unit_approved"}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BEIJING)


def build_period(version, p: Period) -> ReportingCycle:
    cycle = ReportingCycle.objects.create(plan=version.plan, cadence="monthly", label=f"{p.start.year}年{p.start.month}月",
                                          period_start=p.start, period_end=p.end, due_on=p.due, closes_on=p.closes)
    pairs = list(Assignment.objects.filter(task__version=version).order_by("task__kind", "task__number", "position")
                 .values_list("task_id", "unit_id", "role"))
    seen, slots = set(), []
    for task_id, unit_id, role in pairs:
        if (task_id, unit_id) not in seen:
            seen.add((task_id, unit_id))
            slots.append((task_id, unit_id, role == "lead"))
    kinds = [k for k, n in p.reports.items() for _ in range(n)]
    assert len(slots) >= len(kinds)
    sent_at = {"unit_approved": _at(p.due, 10), "accepted_on_time": _at(p.due - dt.timedelta(days=2), 15),
               "accepted_edge": _at(p.due, 23, 30),               # 15:30 UTC on the due day: on time
               "accepted_late": _at(p.due + dt.timedelta(days=1), 11),
               "accepted_edge_late": _at(p.due + dt.timedelta(days=1), 0, 30),  # 16:30 UTC the due day: late
               "reviewer_returned": _at(p.due - dt.timedelta(days=1), 9)}
    for (task_id, unit_id, lead), kind in zip(slots, kinds):
        state = {"empty": "draft", "draft": "draft", "submitted": "submitted", "unit_returned": "returned",
                 "unit_approved": "unit_approved", "reviewer_returned": "returned"}.get(kind, "accepted")
        first = None if kind in ("empty", "draft") else _at(p.due - dt.timedelta(days=3), 9)
        report = Report.objects.create(cycle=cycle, task_id=task_id, unit_id=unit_id, is_lead=lead, state=state,
                                       first_submitted_at=first, reached_review_at=sent_at.get(kind),
                                       accepted_at=sent_at[kind] + dt.timedelta(hours=1) if kind in ACCEPTED else None)
        if kind != "empty":
            ReportRevision.objects.create(report=report, number=1, narrative=f"{kind}进展", submitted_at=first)
    tasks = list(version.tasks.order_by("kind", "number"))
    on = min(p.today, p.end)
    for n, kind in enumerate(k for k, c in p.items.items() for _ in range(c)):
        task = tasks[n % len(tasks)]
        lead = Assignment.objects.filter(task=task).order_by("position").first().unit
        spec = {"done_before": ("done", on - dt.timedelta(days=3), on - dt.timedelta(days=5)),
                "done_after_end": ("done", on - dt.timedelta(days=2), p.end + dt.timedelta(days=3)),
                "active_overdue": ("active", on - dt.timedelta(days=4), None),
                "active_later": ("active", on + dt.timedelta(days=10), None),
                "proposed": ("proposed", on - dt.timedelta(days=9), None),
                "cancelled": ("cancelled", on - dt.timedelta(days=9), None)}[kind]
        WorkItem.objects.create(task=task, title=f"{kind}{n}", lead_unit=lead, state=spec[0], deadline=spec[1],
                                baseline_deadline=spec[1], completed_on=spec[2])
    return cycle


def expected_numbers(p: Period) -> dict:
    count = lambda kinds: sum(n for k, n in p.reports.items() if k in kinds)  # noqa: E731
    expected, submitted, on_time = sum(p.reports.values()), count(SENT), count(ON_TIME)
    items = lambda *kinds: sum(p.items.get(k, 0) for k in kinds)  # noqa: E731
    done_after = items("done_after_end") if p.today > p.end else 0   # done after the item day: not yet done then
    total = items("done_before", "done_after_end", "active_overdue", "active_later")
    done = items("done_before", "done_after_end") - done_after
    pct = lambda a, b: f"{a * 100 / b:.1f}%" if b else "—"  # noqa: E731
    return {"expected": expected, "submitted": submitted, "on_time": on_time, "accepted": count(ACCEPTED),
            "returned": count(RETURNED), "waiting": count(WAITING),
            "overdue": expected - submitted if p.today > p.due else 0,
            "submission_rate": pct(submitted, expected), "on_time_rate": pct(on_time, expected),
            "items": total, "items_done": done, "completion_rate": pct(done, total),
            "items_overdue": items("active_overdue") + done_after}


def _html_figures(html: str) -> dict:
    found = re.findall(r'<li data-figure="(\w+)"><b>([^<]*)</b>', html)
    assert found, "no figures on the page"
    return {code: value.strip() for code, value in found}


def _as_text(values: dict) -> dict:
    return {k: str(v) for k, v in values.items()}


def _word_figures(text: str) -> dict:
    m = re.search(r"应报进展报告(\d+)份，已报送(\d+)份（其中按时报送(\d+)份），审核通过(\d+)份，退回(\d+)份，审核中(\d+)份，"
                  r"逾期未报(\d+)份；报送率([\d.]+%|—)，按时率([\d.]+%|—)", text)
    i = re.search(r"已分解具体事项(\d+)项，已办结(\d+)项，完成率([\d.]+%|—)；逾期事项(\d+)项", text)
    assert m and i, text[:600]
    names = ["expected", "submitted", "on_time", "accepted", "returned", "waiting", "overdue", "submission_rate",
             "on_time_rate"]
    return {**dict(zip(names, m.groups())),
            **dict(zip(["items", "items_done", "completion_rate", "items_overdue"], i.groups()))}


def _ledger_figures(data: bytes, label: str) -> dict:
    from iccity.delivery.figures import FIGURES

    by_name = {f.name: f.code for f in FIGURES}
    sheet = load_workbook(io.BytesIO(data))["统计"]
    return {by_name[name]: str(value) for cycle, name, value, _d in sheet.iter_rows(min_row=3, values_only=True)
            if cycle == label and name in by_name}


@pytest.mark.parametrize("period", PERIODS, ids=[p.key for p in PERIODS])
def test_every_surface_shows_the_same_figures_for_the_period(period, xiqing_plan, media, fixed_evaluation,
                                                             office_admin, client):
    with clock.travel(period.today):
        cycle = build_period(xiqing_plan, period)
        want = _as_text(expected_numbers(period))
        client.force_login(office_admin)

        overview = _html_figures(client.get(f"/delivery/overview/?cycle={cycle.pk}").content.decode())
        api = client.get(f"/api/delivery/figures?cycle={cycle.pk}").json()
        api_values = {row["code"]: str(row["value"]) for row in api["figures"]}
        word = _word_figures(text_of(do_generate_document("monthly", {"period": period.key}, actor=office_admin)))
        _export, data = do_export_ledger(office_admin)
        ledger = _ledger_figures(data, cycle.label)
        command = _html_figures(client.get("/evaluation/command/").content.decode())
        leader = _html_figures(client.get("/evaluation/leader/").content.decode())

    assert overview == want
    assert api_values == want and api["cycle"] == cycle.label
    assert word == want
    assert ledger == want
    assert command == want and leader == want


def test_the_help_page_lists_every_definition(client, office_admin, db):
    from iccity.delivery.figures import FIGURES

    client.force_login(office_admin)
    html = client.get("/delivery/figures/").content.decode()
    for f in FIGURES:
        assert f'data-figure="{f.code}"' in html and f.name in html and f.counts in html
    assert "配合单位各自的报告都计入" in html


def test_the_monthly_report_prints_the_definitions_in_its_notes(xiqing_plan, media, fixed_evaluation):
    from iccity.delivery.figures import FIGURES

    with clock.travel(PERIODS[0].today):
        build_period(xiqing_plan, PERIODS[0])
        text = text_of(do_generate_document("monthly", {"period": PERIODS[0].key}))
    notes = text.split("（统计口径）", 1)[1]
    for f in FIGURES:
        assert f"{f.name}：{f.counts}" in notes
