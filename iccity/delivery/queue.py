"""The review queue: which reports a person sees, filtered, counted and paged, newest actionable first.

"Actionable" (只看需要我处理的, the default) means reports the person can decide now: a unit head's submitted reports
of their units; for a task-force member or lead the unit-approved reports of the tasks their task forces drive; for the
office every unit-approved report. Reports whose latest revision the person wrote are never theirs to decide. "All"
is everything ``visible_reports`` lets them see.

Filter counts are faceted (each option counts the reports it would give with the other filters kept) and computed by
one grouped or aggregate query per filter, so the page costs the same number of queries for 5 or 50 000 reports.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from iccity.core import clock

from . import registry
from .figures import LATENESS, LATENESS_LABELS, lateness_conditions, lateness_of
from .models import Report, ReportRevision, ReportState
from .permissions import Perm, Scope, allowed, visible_reports, with_latest_author

PAGE_SIZE = 20
MINE, ALL = "mine", "all"


def own_latest_report_ids(scope: Scope) -> list[int]:
    """Reports whose latest revision the person wrote (they may not approve them). One query, small for reviewers."""
    if scope.user is None:
        return []
    newer = ReportRevision.objects.filter(report_id=OuterRef("report_id"), number__gt=OuterRef("number"))
    return list(ReportRevision.objects.filter(author_id=scope.user.pk).exclude(Exists(newer))
                .values_list("report_id", flat=True))


def actionable(scope: Scope, own_ids: list[int]) -> Q:
    actor = scope.actor
    parts = []
    if actor.head_of:
        parts.append(Q(unit_id__in=actor.head_of, state=ReportState.SUBMITTED))
    if actor.office_admin:
        parts.append(Q(state=ReportState.UNIT_APPROVED))
    elif scope.review_task_ids:
        parts.append(Q(state=ReportState.UNIT_APPROVED, task_id__in=scope.review_task_ids))
    if not parts:
        return Q(pk__in=[])
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q & ~Q(pk__in=own_ids) if own_ids else q


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    key: str
    label: str
    options: list[Option] = field(default_factory=list)
    selected: str = ""


def _int(value: str | None) -> str:
    return value if value and value.isdigit() else ""


class ReviewQueue:
    """Reads the GET parameters once; ``facets()``, ``page()`` and ``rows()`` answer the page."""

    def __init__(self, scope: Scope, params, *, today: dt.date | None = None):
        self.scope = scope
        self.today = today or clock.today()
        self.own_ids = own_latest_report_ids(scope)
        self.mine = actionable(scope, self.own_ids)
        self.show = ALL if params.get("show") == ALL else MINE
        self.base = visible_reports(scope, Report.objects.all())
        self.lateness = lateness_conditions(self.today)   # one SQL expression per code, whatever the cycles
        self.extra = registry.queue_filters()
        self.selected: dict[str, str] = {
            "cycle": _int(params.get("cycle")), "task": _int(params.get("task")), "unit": _int(params.get("unit")),
            "state": params.get("state") if params.get("state") in ReportState.values else "",
            "lateness": params.get("lateness") if params.get("lateness") in self.lateness else "",
        }
        for f in self.extra:
            value = params.get(f.key) or ""
            self.selected[f.key] = value if value in {v for v, _label in f.choices()} else ""

    # ------------------------------------------------------------ conditions

    def _condition(self, key: str, value: str) -> Q:
        if key in ("cycle", "task", "unit"):
            return Q(**{f"{key}_id": int(value)})
        if key == "state":
            return Q(state=value)
        if key == "lateness":
            return self.lateness[value]
        return next(f for f in self.extra if f.key == key).condition(value)

    def _filtered(self, *, without: str = "", show: bool = True) -> QuerySet:
        qs = self.base.filter(self.mine) if show and self.show == MINE else self.base
        for key, value in self.selected.items():
            if value and key != without:
                qs = qs.filter(self._condition(key, value))
        return qs

    def _order(self) -> list:
        order = [F("moved_at").desc(nulls_last=True), "-cycle__due_on", "-pk"]
        if self.show == ALL:  # what the person can act on comes first, newest first, then the rest
            order.insert(0, Case(When(self.mine, then=Value(1)), default=Value(0)).desc())
        return order

    def queryset(self) -> QuerySet:
        return self._filtered().order_by(*self._order())

    # ------------------------------------------------------------ counts

    def facets(self) -> list[Facet]:
        """The filters with a count per option, one query each."""
        sel = self.selected
        facets = []
        on = self._filtered(show=False).aggregate(mine=Count("id", filter=self.mine), all=Count("id"))
        facets.append(Facet("show", _("范围"), [
            Option(MINE, _("只看需要我处理的"), on["mine"], self.show == MINE),
            Option(ALL, _("我可查看的全部"), on["all"], self.show == ALL)], self.show))

        rows = (self._filtered(without="cycle").values("cycle_id", "cycle__label", "cycle__period_start")
                .annotate(n=Count("id")).order_by("-cycle__period_start", "cycle__label"))
        facets.append(self._grouped("cycle", _("报告周期"), rows, "cycle_id", lambda r: r["cycle__label"]))
        rows = (self._filtered(without="task").values("task_id", "task__key", "task__title", "task__kind", "task__number")
                .annotate(n=Count("id")).order_by("task__kind", "task__number"))
        facets.append(self._grouped("task", _("任务"), rows, "task_id",
                                    lambda r: f"{r['task__key']} {r['task__title']}"[:40]))
        rows = (self._filtered(without="unit").values("unit_id", "unit__name", "unit__sort_order")
                .annotate(n=Count("id")).order_by("unit__sort_order", "unit__name"))
        facets.append(self._grouped("unit", _("报送单位"), rows, "unit_id", lambda r: r["unit__name"]))
        counts = dict(self._filtered(without="state").values_list("state").annotate(n=Count("id")).order_by())
        facets.append(Facet("state", _("状态"), [Option(v, str(label), counts.get(v, 0), sel["state"] == v)
                                                 for v, label in ReportState.choices], sel["state"]))
        counts = self._filtered(without="lateness").aggregate(
            **{code: Count("id", filter=self.lateness[code]) for code, _n, _d in LATENESS})
        facets.append(Facet("lateness", _("是否按时"), [Option(code, _(name), counts[code], sel["lateness"] == code)
                                                     for code, name, _d in LATENESS], sel["lateness"]))
        for f in self.extra:
            choices = f.choices()
            counts = self._filtered(without=f.key).aggregate(
                **{f"c{i}": Count("id", filter=f.condition(v)) for i, (v, _label) in enumerate(choices)})
            facets.append(Facet(f.key, str(f.label), [Option(v, str(label), counts[f"c{i}"], sel[f.key] == v)
                                                      for i, (v, label) in enumerate(choices)], sel[f.key]))
        return facets

    def _grouped(self, key: str, label: str, rows, id_field: str, name) -> Facet:
        chosen = self.selected[key]
        options = [Option(str(r[id_field]), name(r), r["n"], str(r[id_field]) == chosen) for r in rows]
        if chosen and not any(o.selected for o in options):  # a chosen value that no longer matches stays visible
            options.insert(0, Option(chosen, _("（已选，无结果）"), 0, True))
        return Facet(key, label, options, chosen)

    @property
    def active_filters(self) -> int:
        return sum(1 for v in self.selected.values() if v)

    # ------------------------------------------------------------ the page

    def page(self, number):
        """The page's rows with what a card needs. The card's per-report subqueries (latest author, last submission)
        run for the page's rows only: the rows are chosen by an inner query (filters, order, LIMIT), which the
        outer one loads and orders again, so five years of matching reports cost one sort, not 2 × 5 years of
        subqueries."""
        page = Paginator(self.queryset(), PAGE_SIZE).get_page(number)
        page.object_list = page_queryset(Report.objects.filter(pk__in=page.object_list.values("pk"))).order_by(
            *self._order())
        # first two, last two and two either side of this one; '…' (Paginator.ELLIPSIS) for the gaps
        page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=2))
        return page

    def rows(self, page) -> list[Report]:
        return decorate(self.scope, list(page.object_list), today=self.today)


def page_queryset(qs: QuerySet) -> QuerySet:
    """What a card needs, in the same query as the rows: cycle, task, unit, latest author, last submission time."""
    last_sent = (ReportRevision.objects.filter(report=OuterRef("pk"), submitted_at__isnull=False)
                 .order_by("-number").values("submitted_at")[:1])
    return with_latest_author(qs.select_related("cycle", "task", "unit")).annotate(last_submitted_at=Subquery(last_sent))


def decorate(scope: Scope, reports: list[Report], *, today: dt.date | None = None) -> list[Report]:
    """Per card: what the viewer may decide, lateness, badges from the registry (one query per annotator)."""
    badges = registry.badges_for(reports)
    for r in reports:
        r.can_review = allowed(scope, Perm.REVIEW, r)
        r.can_unit_approve = allowed(scope, Perm.UNIT_APPROVE, r)
        r.lateness = lateness_of(r, today)
        r.lateness_label = LATENESS_LABELS.get(r.lateness, "")
        r.badge_groups = badges.get(r.pk, [])
        r.batch_reason = registry.batch_refusal(r.badge_groups)
        r.batch_ok = r.can_review and not r.batch_reason
    return reports
