"""The indicator page in the style of national SDG reporting platforms (Open SDG): status headline, chart with target
lines, expected trajectory and series breaks, a table of the values with their releases, metadata, targets and
downloads of exactly the series shown. The office adds single values here.

A page reads a fixed number of queries whatever the length of the series: the indicator with its prefetched
metadata, one query for the areas and breakdowns present, the series, the rows behind it and the status.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iccity.core import policy
from iccity.core.actions import ActionRefused
from iccity.core.exports import safe_row
from iccity.core.public_cache import public_page
from iccity.plans.models import Task

from . import progress
from .actions.observations import do_push_observations
from .forms import AREAS, ObservationForm
from .models import Indicator, IndicatorTarget, Observation, TargetKind
from .models.catalogue import Frequency, Publication, ValueKind
from .views_common import (
    breakdown_label, feed_notes, indicator_or_404, number, plain, target_text, visible_targets,
)

DEFAULT_AREA = AREAS[0]
LEVEL_TARGET_KINDS = {TargetKind.ABSOLUTE, TargetKind.THRESHOLD, TargetKind.SHARE, TargetKind.RANGE}


@dataclass
class Selection:
    """What the page shows: which vintage, area and breakdown (all from GET, invalid values → defaults)."""

    vintage: str = "latest"
    area: str = DEFAULT_AREA
    breakdown: tuple[str, str] = ("", "")
    cumulative: bool = False     # 1—N月 year-to-date figures, as statistics offices publish 社零
    default_cumulative: bool = False

    @property
    def breakdown_param(self) -> str:
        return f"{self.breakdown[0]}:{self.breakdown[1]}" if self.breakdown[0] else ""

    def query(self) -> str:
        """The GET parameters that reproduce this selection (only those that differ from the defaults)."""
        params = {}
        if self.vintage != "latest":
            params["vintage"] = self.vintage
        if self.area != DEFAULT_AREA:
            params["area"] = self.area
        if self.breakdown[0]:
            params["breakdown"] = self.breakdown_param
        if self.cumulative != self.default_cumulative:
            params["cumulative"] = "1" if self.cumulative else "0"
        return urlencode(params)


def _indicator_queryset():
    tasks = Task.objects.select_related("version__plan").order_by("version__plan__slug", "-version__number", "kind",
                                                                  "number")
    targets = IndicatorTarget.objects.select_related("baseline_observation__release", "reference_indicator")
    return Indicator.objects.select_related("responsible_unit").prefetch_related(
        "dimensions__framework", Prefetch("tasks", queryset=tasks), Prefetch("targets", queryset=targets))


def _present(indicator) -> set[tuple[str, str, str, bool]]:
    """(area, breakdown kind, breakdown value, cumulative) combinations that occur in the data (one query)."""
    return set(Observation.objects.filter(indicator=indicator)
               .values_list("area", "breakdown_kind", "breakdown_value", "is_cumulative").distinct())


def _selection(request, indicator, present) -> Selection:
    areas = [a for a in AREAS if any(r[0] == a for r in present)] + sorted({r[0] for r in present} - set(AREAS))
    areas = areas or [DEFAULT_AREA]
    vintage = "first" if request.GET.get("vintage") == "first" else "latest"
    area = request.GET.get("area", "")
    area = area if area in areas else (DEFAULT_AREA if DEFAULT_AREA in areas else areas[0])
    kind, _sep, value = request.GET.get("breakdown", "").partition(":")
    in_area = {r[1:] for r in present if r[0] == area}
    pair = (kind, value) if kind and any(r[:2] == (kind, value) for r in in_area) else ("", "")
    kinds = {r[2] for r in in_area if r[:2] == pair}
    # by default the way the indicator is published, when such data exists
    default = True in kinds and (indicator.publication == Publication.CUMULATIVE or False not in kinds)
    cumulative = request.GET["cumulative"] == "1" and True in kinds if "cumulative" in request.GET else default
    return (Selection(vintage=vintage, area=area, breakdown=pair, cumulative=cumulative, default_cumulative=default),
            areas, in_area)


def _rows(indicator, sel: Selection, points) -> list[dict]:
    """Table rows: the series points with their release (status, date) and the observation's notes and demo mark."""
    release_ids = {p.release_id for p in points}
    observations = (Observation.objects.filter(indicator=indicator, area=sel.area, breakdown_kind=sel.breakdown[0],
                                               breakdown_value=sel.breakdown[1], release_id__in=release_ids,
                                               is_cumulative=sel.cumulative)
                    .select_related("release"))
    by_key = {(obs.period, obs.release_id): obs for obs in observations}
    # the first point at or after each break year (Indicator.series_breaks) starts a new, unjoinable stretch
    break_points = set()
    for year in progress.series_breaks(indicator):
        after = [p for p in points if p.period_end.year >= year]
        if after and len(after) < len(points):
            break_points.add(after[0].period)
    rows = []
    for p in points:
        obs = by_key.get((p.period, p.release_id))
        release = obs.release if obs else None
        note = obs.note if obs else ""
        rows.append({
            "point": p, "value": plain(p.value), "growth": plain(p.growth_rate), "release": release,
            "note": note, "is_break": p.period in break_points, "obj": obs,
        })
    return rows


def _baseline(target, points) -> tuple[int, object] | None:
    if target.baseline_observation_id and target.baseline_observation.value is not None:
        obs = target.baseline_observation
        return obs.period_end.year, obs.value
    # As progress.progress_status does: the baseline year's value, else the first value of the series.
    with_value = [p for p in points if p.value is not None]
    in_year = [p for p in with_value if p.period_end.year == target.baseline_year]
    if in_year:
        return target.baseline_year, in_year[-1].value
    return (with_value[0].period_end.year, with_value[0].value) if with_value else None


def _target_lines(indicator, targets, points) -> tuple[list[dict], list[dict]]:
    """Horizontal target lines and expected trajectories (required_path) for the targets of the shown area."""
    lines, paths = [], []
    for target in targets:
        base = _baseline(target, points)
        path = []
        if base is not None and indicator.value_kind != ValueKind.RATE_ONLY:
            try:
                path = progress.required_path(target, base[0], base[1], indicator.trajectory_method)
            except (ValueError, ArithmeticError):
                path = []   # e.g. CAGR from a zero baseline: no trajectory rather than no page
        label = f"{target.year}年目标 {target.text}"
        if target.kind in LEVEL_TARGET_KINDS and target.value is not None:
            lines.append({"value": number(target.value), "label": label, "year": target.year})
            if target.kind == TargetKind.RANGE and target.upper is not None:
                lines.append({"value": number(target.upper), "label": f"{target.year}年目标上限 {plain(target.upper)}",
                              "year": target.year})
        elif target.kind == TargetKind.RELATIVE and path:
            lines.append({"value": number(path[-1][1]), "label": label, "year": target.year})
        if path:
            paths.append({"name": _("%(year)s年目标预期轨迹") % {"year": target.year},
                          "points": [(int(y), number(v)) for y, v in path]})
    return lines, paths


def chart_data(indicator, sel: Selection, rows, targets) -> dict:
    """Everything indicator-chart.js needs; the JS only assembles the ECharts option."""
    points = [r["point"] for r in rows]
    rate_only = indicator.value_kind == ValueKind.RATE_ONLY
    categories = [p.period for p in points]
    lines, paths = _target_lines(indicator, targets, points)
    if indicator.frequency == Frequency.ANNUAL:
        years = {str(y) for path in paths for y, _v in path["points"]} | {str(line["year"]) for line in lines}
        categories = sorted(set(categories) | years)

    def year_slot(year: int) -> str | None:
        # Trajectories are by year: on an annual axis the year itself, else the last period of that year.
        slots = [c for c in categories if c[:4] == str(year)]
        return slots[-1] if slots else None

    values = {p.period: number(p.growth_rate if rate_only else p.value) for p in points}
    trajectories = []
    for path in paths:
        data = {year_slot(y): v for y, v in path["points"]}
        trajectories.append({"name": path["name"], "data": [data.get(c) for c in categories]})
    return {
        "categories": categories,
        "name": indicator.name,
        "unit": "%" if rate_only else indicator.unit,
        "kind": "bar" if indicator.value_kind == ValueKind.COUNT else "line",
        "values": [values.get(c) for c in categories],
        "targets": lines,
        "trajectories": trajectories,
        "breaks": [r["point"].period for r in rows if r["is_break"]],
        "labels": {"value": _("增速（%）") if rate_only else _("数值"), "break": _("口径变化"),
                   "vintage": _("首次发布") if sel.vintage == "first" else _("最新数据")},
    }


def series_context(request, code: str, queryset=None) -> dict:
    """The indicator, what the GET parameters select and the table rows: all that a download needs."""
    indicator = indicator_or_404(request, code, queryset)
    sel, areas, in_area = _selection(request, indicator, _present(indicator))
    points = progress.series(indicator, area=sel.area, vintage=sel.vintage, breakdown=sel.breakdown,
                             cumulative=sel.cumulative)
    return {"indicator": indicator, "sel": sel, "areas": areas, "in_area": in_area,
            "rows": _rows(indicator, sel, points), "breakdown_name": breakdown_label(*sel.breakdown)}


def indicator_context(request, code: str) -> dict:
    context = series_context(request, code, _indicator_queryset())
    indicator, sel, in_area = context["indicator"], context["sel"], context["in_area"]
    targets = visible_targets(request, indicator.targets.all())
    for t in targets:
        t.text = target_text(t, t.unit or indicator.unit)
    context.update({
        "status": progress.indicator_status(indicator, area=sel.area), "targets": targets,
        "breakdowns": sorted({(f"{k}:{v}", breakdown_label(k, v)) for k, v, _c in in_area if k}),
        "both_kinds": {c for k, v, c in in_area if (k, v) == sel.breakdown} == {True, False},
        "rule": _rule_text(), "tasks": _latest_tasks(indicator.tasks.all()),
        "feed_note": feed_notes([indicator.code]).get(indicator.code, "") if not context["rows"] else "",
        "chart": chart_data(indicator, sel, context["rows"], [t for t in targets if t.area == sel.area]),
    })
    return context


def _latest_tasks(tasks) -> list:
    """One entry per plan task key: the newest plan version's task (links follow the current plan)."""
    seen, result = set(), []
    for task in tasks:
        key = (task.version.plan_id, task.key)
        if key not in seen:
            seen.add(key)
            result.append(task)
    return sorted(result, key=lambda t: (t.version.plan.slug, t.kind != "task", t.number))


@public_page(reads=("indicators", "plans", "orgs", "consumption"))
def detail(request, code, *, form=None, form_errors=()):
    context = indicator_context(request, code)
    can_edit = policy.may(request, "indicators.import_data")
    context.update({"nav": "indicators", "can_edit": can_edit, "can_publish": policy.may(request, "indicators.publish"),
                    "form_errors": list(form_errors)})
    if can_edit:
        sel = context["sel"]
        context["form"] = form or ObservationForm(initial={"area": sel.area, "breakdown_kind": sel.breakdown[0],
                                                           "breakdown_value": sel.breakdown[1]})
    if request.htmx and request.htmx.target == "series-panel":
        return render(request, "indicators/_series_panel.html", context)
    return render(request, "indicators/detail.html", context)


# ---------------------------------------------------------------- downloads

COLUMNS = ["指标代码", "指标名称", "地区", "分组", "期间", "期间截止日", "数值", "单位", "公布增速（%）", "发布名称",
           "发布机构", "发布日期", "发布状态", "数据口径", "备注", "示例数据"]


def _download_rows(context) -> list[list]:
    indicator, sel = context["indicator"], context["sel"]
    vintage = _("首次发布") if sel.vintage == "first" else _("最新数据")
    out = []
    for row in context["rows"]:
        p, release = row["point"], row["release"]
        out.append([
            indicator.code, indicator.name, sel.area, context["breakdown_name"], p.period, p.period_end.isoformat(),
            row["value"], indicator.unit, row["growth"], p.release_title,
            release.publisher if release else "", p.published_on.isoformat() if p.published_on else "",
            release.get_status_display() if release else "", vintage, row["note"],
            "示例" if row["obj"] is not None and row["obj"].is_demo else "",
        ])
    return out


def _filename(context, suffix: str) -> str:
    sel = context["sel"]
    parts = [context["indicator"].code, sel.area]
    if sel.breakdown[0]:
        parts.append(sel.breakdown[1])
    parts.append(sel.vintage)
    return "-".join(parts) + suffix


def _attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def download_csv(request, code):
    context = series_context(request, code)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(safe_row(row) for row in _download_rows(context))  # formula injection
    # UTF-8 with BOM: Excel on Chinese Windows otherwise opens the file as GBK.
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    return _attachment(response, _filename(context, ".csv"))


def download_xlsx(request, code):
    from openpyxl import Workbook

    context = series_context(request, code)
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(COLUMNS)
    for row in _download_rows(context):
        # Numbers stay numbers in Excel; the CSV keeps the exact published text.
        row[6] = float(row[6]) if row[6] != "" else None
        row[8] = float(row[8]) if row[8] != "" else None
        sheet.append(safe_row(row))  # formula injection: numbers pass through, formula-like text is escaped
    info = book.create_sheet("说明")
    indicator = context["indicator"]
    for key, value in (("指标", indicator.name), ("定义与口径", indicator.definition), ("计量单位", indicator.unit),
                       ("数据来源", indicator.source_org), ("来源说明", indicator.source_note),
                       ("局限与说明", indicator.limitations)):
        info.append(safe_row([key, value]))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return _attachment(response, _filename(context, ".xlsx"))


# ---------------------------------------------------------------- office: one value

@require_POST
@policy.requires("indicators.import_data")
def add_observation(request, code):
    """One value through the same checks as a file upload; the release is reused when it already exists."""
    indicator = indicator_or_404(request, code)
    form = ObservationForm(request.POST)
    if not form.is_valid():
        return detail(request, code, form=form)
    try:
        outcome = do_push_observations([form.push_row(indicator)], release_fields=form.release_fields(),
                                       actor=request.user, source_label=_("指标页单条录入"))
    except ActionRefused as exc:
        return detail(request, code, form=form, form_errors=[getattr(exc, "message", None) or str(exc)])
    if not outcome.ok:
        # Row numbers mean nothing for a single form: keep the message after “第N行“列”：”.
        return detail(request, code, form=form, form_errors=[
            e.message.split("：", 1)[-1] if e.row else e.message for e in outcome.report.errors])
    c = form.cleaned_data
    if outcome.created:
        messages.success(request, _("已录入 %(name)s %(period)s 的数据") % {"name": indicator.name, "period": c["period"]})
    else:
        messages.info(request, _("该数据已存在于所选发布版次，未重复录入"))
    query = Selection(area=c["area"], breakdown=form.breakdown()).query()
    url = reverse("indicators:detail", args=[indicator.code])
    return redirect(url + (f"?{query}" if query else "") + "#data-table")


@require_POST
@policy.requires("indicators.publish")
def set_published(request, code):
    """公开发布 / 取消公开 by the office (audited with its reason)."""
    from .actions.publication import do_set_published

    indicator = indicator_or_404(request, code)
    publish = request.POST.get("published") == "1"
    do_set_published(indicator, publish, actor=request.user, reason=request.POST.get("reason", "")[:500])
    messages.success(request, (_("已公开发布“%(name)s”") if publish else _("已取消公开“%(name)s”")) % {"name": indicator.name})
    return redirect("indicators:detail", code=indicator.code)


def _rule_text() -> str:
    t = progress.thresholds_in_force()
    return _("判定方法（Open SDG 进展评估）：有目标时，实际年均增速 ÷ 所需年均增速 ≥%(on)s 为正常推进，%(acc)s–%(on)s 需加快，"
             "%(lim)s–%(acc)s 进展有限，<%(lim)s 退步；无目标时，年均增速 ≥%(x)s%%·C 为正常推进，%(y)s%%–%(x)s%%·C 需加快，"
             "0–%(y)s%%·C 进展有限，负增长为退步。") % {
        "on": f"{t['on_track']:g}", "acc": f"{t['acceleration_needed']:g}", "lim": f"{t['limited_progress']:g}",
        "x": f"{t['no_target_on_track']:g}", "y": f"{t['no_target_acceleration']:g}"}
