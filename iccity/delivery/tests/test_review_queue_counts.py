"""The review queue's faceted counts equal a naive recount, report by report in Python, on varied data: several
cycles with different due days, first-sent times on both sides of the due day's local midnight, reports never sent
(overdue or not yet due), and quality flags on the latest submitted revision, on a superseded one and on a draft.

The queue counts with one SQL expression per filter (lateness against the cycle's due-day end, flags as one set of
flagged reports); the recount uses the one-report definitions (``figures.lateness_of``, the latest submitted
revision's flags), so a shortcut in the SQL that changes a result fails here."""
from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from django.http import QueryDict
from django.utils import timezone

from iccity.core import clock
from iccity.delivery.actions import do_open_cycle
from iccity.delivery.figures import lateness_of
from iccity.delivery.models import Report, ReportingCycle, ReportRevision, ReportState
from iccity.delivery.permissions import visible_reports
from iccity.delivery.queue import ALL, MINE, ReviewQueue
from iccity.evaluation.models import QualityFlag, QualityFlagCode

from .conftest import TODAY

pytestmark = pytest.mark.django_db

# local times around a due day D: (days after D, local time), on time up to D 23:59:59.999999, late from D+1 00:00
SENT_AT = [(-6, dt.time(9)), (0, dt.time(0)), (0, dt.time(23, 59, 59, 999999)), (1, dt.time(0)),
           (1, dt.time(0, 0, 0, 1)), (3, dt.time(15, 30))]


def local(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


@pytest.fixture
def varied(cast, cycle):
    """Four monthly cycles (two past their due day, two not yet due) with reports in every state."""
    for day in (dt.date(2025, 12, 10), dt.date(2026, 1, 10), dt.date(2026, 2, 10)):
        with clock.travel(day):
            do_open_cycle(cast.version.plan, day, scope=cast.scope("office"))
    rng = random.Random(15)
    codes = list(QualityFlagCode.values)
    revisions = []
    for report in Report.objects.select_related("cycle").order_by("pk"):
        state = rng.choice([ReportState.DRAFT, ReportState.SUBMITTED, ReportState.UNIT_APPROVED,
                            ReportState.ACCEPTED, ReportState.RETURNED])
        sent = None
        sent_up = state in (ReportState.UNIT_APPROVED, ReportState.ACCEPTED)
        if sent_up or (state == ReportState.RETURNED and rng.random() < .7):
            days, at = rng.choice(SENT_AT)
            sent = local(report.cycle.due_on + dt.timedelta(days=days), at)
        Report.objects.filter(pk=report.pk).update(state=state, reached_review_at=sent, moved_at=sent)
        if state == ReportState.DRAFT:
            continue
        # one revision; or a second one submitted (the first one's flags no longer count); or a second one in draft
        shape = rng.choice(["one", "resubmitted", "draft_after"])
        revisions.append(ReportRevision(report=report, number=1, narrative="进展", submitted_at=sent or clock.now()))
        if shape != "one":
            revisions.append(ReportRevision(report=report, number=2, narrative="进展二",
                                            submitted_at=clock.now() if shape == "resubmitted" else None))
    revisions = ReportRevision.objects.bulk_create(revisions)
    QualityFlag.objects.bulk_create([QualityFlag(revision=rev, code=code, reason="测试") for rev in revisions
                                     for code in rng.sample(codes, k=rng.choice([0, 0, 0, 1, 2]))])
    return cast


def current_codes() -> dict[int, set[str]]:
    """Per report, the codes flagged on its latest submitted revision (Python, from all rows)."""
    latest: dict[int, ReportRevision] = {}
    for rev in ReportRevision.objects.filter(submitted_at__isnull=False):
        if rev.report_id not in latest or rev.number > latest[rev.report_id].number:
            latest[rev.report_id] = rev
    codes: dict[int, set[str]] = {pk: set() for pk in latest}
    for flag in QualityFlag.objects.filter(revision__in=list(latest.values())):
        codes[flag.revision.report_id].add(flag.code)
    return codes


def naive_rows(scope) -> list[dict]:
    """Every report the scope may see, with what each filter reads, computed one report at a time."""
    mine = set(visible_reports(scope).filter(ReviewQueue(scope, QueryDict()).mine).values_list("pk", flat=True))
    codes = current_codes()
    rows = []
    for r in visible_reports(scope).select_related("cycle"):
        flags = codes.get(r.pk, set())
        rows.append({"pk": r.pk, "show": MINE if r.pk in mine else "", "cycle": str(r.cycle_id), "task": str(r.task_id),
                     "unit": str(r.unit_id), "state": r.state, "lateness": lateness_of(r, TODAY),
                     "flag": {"any"} | flags if flags else {"none"}})
    return rows


def naive_facets(rows: list[dict], params: dict[str, str]) -> dict[str, dict[str, int]]:
    """Each facet's option counts, recounted row by row: the reports matching every other chosen filter."""

    def matches(row, key, value) -> bool:
        if key == "show":
            return value == ALL or row["show"] == MINE
        if key == "flag":
            return value in row["flag"]
        return row[key] == value

    chosen = {"show": params.get("show", MINE), **{k: v for k, v in params.items() if k != "show"}}
    out: dict[str, dict[str, int]] = {}
    for key in ("show", "cycle", "task", "unit", "state", "lateness", "flag"):
        others = [r for r in rows if all(matches(r, k, v) for k, v in chosen.items() if k != key)]
        values = {"show": [MINE, ALL], "state": ReportState.values, "lateness": ["on_time", "late", "overdue"],
                  "flag": ["any", "none", *QualityFlagCode.values]}.get(key) or {r[key] for r in others}
        out[key] = {v: n for v in values if (n := sum(matches(r, key, v) for r in others))}
    return out


def queue_facets(scope, params: dict[str, str]) -> dict[str, dict[str, int]]:
    facets = ReviewQueue(scope, QueryDict("&".join(f"{k}={v}" for k, v in params.items()))).facets()
    return {f.key: {o.value: o.count for o in f.options if o.count} for f in facets}


def test_every_facet_count_equals_a_report_by_report_recount(varied):
    cast = varied
    cycles = list(ReportingCycle.objects.order_by("period_start"))
    assert len({c.due_on for c in cycles}) == 4 and sum(c.due_on < TODAY for c in cycles) == 2
    some_flagged = QualityFlag.objects.values_list("code", flat=True).first()
    combos = [{}, {"show": ALL}] + [
        {"show": ALL, **dict(p)} for p in itertools.product(
            [("lateness", v) for v in ("on_time", "late", "overdue")] + [("state", ReportState.RETURNED)],
            [("flag", v) for v in ("none", "any", some_flagged)])
    ] + [{"show": ALL, "cycle": str(cycles[1].pk), "lateness": "late"}, {"lateness": "on_time", "flag": "any"}]
    seen = set()
    for who in ("office", "tf_member", "head"):
        rows = naive_rows(cast.scope(who))
        for params in combos:
            expected = naive_facets(rows, params)
            assert queue_facets(cast.scope(who), params) == expected, (who, params)
            seen |= {(k, v) for k, options in expected.items() for v in options if k in ("lateness", "flag")}
    # the data really covers every lateness and flag option
    assert {("lateness", v) for v in ("on_time", "late", "overdue")} <= seen
    assert {("flag", "any"), ("flag", "none")} <= seen


def test_the_due_day_ends_at_local_midnight_for_the_filter_as_for_one_report(cast, cycle):
    """A report sent up in the last microsecond of the due day (Beijing time) is on time, one a microsecond after
    midnight is late, for the filter as for ``lateness_of``."""
    reports = list(Report.objects.filter(cycle=cycle).order_by("pk")[:3])
    times = [local(cycle.due_on, dt.time(23, 59, 59, 999999)), local(cycle.due_on + dt.timedelta(days=1), dt.time(0)),
             local(cycle.due_on + dt.timedelta(days=1), dt.time(0, 0, 0, 1))]
    for r, at in zip(reports, times, strict=True):
        Report.objects.filter(pk=r.pk).update(state=ReportState.UNIT_APPROVED, reached_review_at=at, moved_at=at)
    scope = cast.scope("office")
    for value, expected in (("on_time", [reports[0]]), ("late", reports[1:])):
        queue = ReviewQueue(scope, QueryDict(f"show=all&lateness={value}"))
        assert sorted(queue.queryset().values_list("pk", flat=True)) == sorted(r.pk for r in expected), value
    assert [lateness_of(Report.objects.get(pk=r.pk)) for r in reports] == ["on_time", "late", "late"]


def test_in_a_zone_with_daylight_saving_each_due_day_ends_at_its_own_local_midnight(cast, cycle, settings):
    """China has one offset all year (one SQL clause); a zone with summer time groups due days by offset, so a report
    sent in the last microsecond of a summer due day is on time and one a microsecond after midnight is late, as for
    ``lateness_of``."""
    opened = []
    for day in (dt.date(2025, 7, 10), dt.date(2025, 12, 10)):     # due in August and in January
        with clock.travel(day):
            opened.append(do_open_cycle(cast.version.plan, day, scope=cast.scope("office"))[0])
    settings.TIME_ZONE = "Europe/Berlin"
    picked = []
    for c in opened:
        reports = list(Report.objects.filter(cycle=c).order_by("pk")[:2])
        for r, at in zip(reports, [local(c.due_on, dt.time(23, 59, 59, 999999)),
                                   local(c.due_on + dt.timedelta(days=1), dt.time(0, 0, 0, 1))], strict=True):
            Report.objects.filter(pk=r.pk).update(state=ReportState.UNIT_APPROVED, reached_review_at=at, moved_at=at)
        picked += reports
    offsets = {local(c.due_on, dt.time()).utcoffset() for c in opened}
    assert len(offsets) == 2                                        # winter and summer time really differ
    for value in ("on_time", "late"):
        queue = ReviewQueue(cast.scope("office"), QueryDict(f"show=all&lateness={value}"))
        expected = [r.pk for r in picked if lateness_of(Report.objects.get(pk=r.pk), TODAY) == value]
        assert sorted(queue.queryset().values_list("pk", flat=True)) == sorted(expected) and len(expected) == 2, value
