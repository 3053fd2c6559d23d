"""Pages of the consumption app: the dashboard (from rollups) and the event-impact page."""
from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils.translation import gettext as _

from iccity.core.policy import requires
from . import impact as impact_mod
from . import metrics
from .engine import Engine
from .forms import ImpactForm, RangeForm

DEFAULT_DAYS = 90


def _yuan(fen) -> float:
    return round(float(fen) / 100, 2)


def _pct(share) -> float | None:
    return None if share is None or share != share else round(float(share) * 100, 2)


def _data_range(engine: Engine) -> tuple[dt.date, dt.date] | None:
    # the smallest table that still spans every day with data
    kind = next((k for k in ("rollup_daily_district", "rollup_hourly") if engine.has(k)), "transactions")
    if not engine.has(kind):
        return None
    t = engine.table(kind)
    row = engine.execute(t.aggregate(lo=t.date.min(), hi=t.date.max()))
    if row.empty or row.lo.isna()[0]:
        return None
    return row.lo[0].date() if hasattr(row.lo[0], "date") else row.lo[0], \
        row.hi[0].date() if hasattr(row.hi[0], "date") else row.hi[0]


def _demo_data() -> bool:
    from .models import IngestionRun

    return IngestionRun.objects.filter(is_demo=True).exists()


# Card and footfall feeds come under data-sharing agreements: figures are for signed-in staff, not the public.
@requires("consumption.view_dashboard")
def dashboard(request):
    form = RangeForm(request.GET or None)
    context = {"form": form, "nav": "consumption", "is_demo": _demo_data()}
    engine = Engine.shared()  # one connection per thread and manifest version: rollups stay in memory
    span = _data_range(engine)
    if span is None:
        return render(request, "consumption/dashboard.html", {**context, "empty": True})
    lo, hi = span
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    end = min(end or hi, hi)
    start = max(start or end - dt.timedelta(days=DEFAULT_DAYS - 1), lo)
    kw = {"start": start, "end": end}
    by_district = metrics.spend(engine, by=["district"], **kw)
    hourly = metrics.spend(engine, by=["hour"], **kw)
    freq = "date" if (end - start).days <= 92 else "month"
    night = metrics.night_share(engine, freq=freq, **kw)
    origin = metrics.origin_share(engine, by=["district"], **kw)
    context.update(start=start, end=end, lo=lo, hi=hi, night_freq=freq, **_dashboard_tables(
        by_district, hourly, night, origin, freq))
    return render(request, "consumption/dashboard.html", context)


def _dashboard_tables(by_district, hourly, night, origin, freq) -> dict:
    district_rows = [{"district": r.district, "spend": _yuan(r.spend_fen), "txn": int(r.txn_count),
                      "ticket": _yuan(r.avg_ticket_fen)} for r in by_district.itertuples()]
    district_rows.sort(key=lambda r: -r["spend"])
    hour_rows = [{"hour": int(r.hour), "spend": _yuan(r.spend_fen)} for r in hourly.itertuples()]
    key = "date" if freq == "date" else "month"
    night_rows = [{"period": str(getattr(r, key)), "share": _pct(r.night_share)} for r in night.itertuples()]
    origin_rows = [{"district": r.district, "nonlocal": _pct(r.nonlocal_share), "foreign": _pct(r.foreign_share),
                    "external": _pct(r.external_share)} for r in origin.itertuples()]
    charts = {
        "district": {"labels": [r["district"] for r in district_rows], "values": [r["spend"] for r in district_rows],
                     "name": _("消费额（元）")},
        "hourly": {"labels": [f"{r['hour']}时" for r in hour_rows], "values": [r["spend"] for r in hour_rows],
                   "name": _("消费额（元）")},
        "night": {"labels": [r["period"] for r in night_rows], "values": [r["share"] for r in night_rows],
                  "name": _("夜间消费占比（%）")},
        "origin": {"labels": [r["district"] for r in origin_rows],
                   "series": [{"name": _("外地（国内）"), "values": [r["nonlocal"] for r in origin_rows]},
                              {"name": _("境外"), "values": [r["foreign"] for r in origin_rows]}]},
    }
    return {"district_rows": district_rows, "hour_rows": hour_rows, "night_rows": night_rows,
            "origin_rows": origin_rows, "charts": charts}


@requires("consumption.view_dashboard")
def impact(request):
    context = {"nav": "consumption", "is_demo": _demo_data(), "methods": impact_mod.METHODS}
    if request.GET and "districts" not in request.GET:
        # A link from an event without a known 商圈 (or a half-filled form): prefill what came, ask for the rest.
        form = ImpactForm(initial={k: request.GET.get(k) for k in ("start", "end") if request.GET.get(k)})
        context.update(form=form, notice=_("请选择受活动影响的商圈，再点击“评估”。"))
        return render(request, "consumption/impact.html", context)
    form = ImpactForm(request.GET or None)
    context["form"] = form
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = impact_mod.estimate(Engine.shared(), data["start"], data["end"], data["districts"])
        except (impact_mod.ImpactError, metrics.MetricError) as problem:
            context["notice"] = str(problem)  # a well-formed question the data cannot answer: say why
        else:
            context.update(result=result, chart=_impact_chart(result), method_rows=_method_rows(result))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "consumption/impact.html", context, status=status)


def _impact_chart(result) -> dict:
    days = sorted(result.actual)
    series = [{"name": _("实际"), "values": [_yuan(result.actual[d]) for d in days]}]
    for m in result.methods:
        if m.baseline:
            series.append({"name": m.label, "values": [_yuan(m.baseline[d]) if d in m.baseline else None
                                                       for d in days]})
    rows = [{"date": d, "actual": _yuan(result.actual[d]),
             "baselines": [_yuan(m.baseline[d]) if d in m.baseline else None for m in result.methods]}
            for d in days]
    return {"data": {"labels": [d.isoformat() for d in days], "series": series}, "rows": rows}


def _signed_pct(x: float) -> str:
    return f"{x * 100:+.1f}%"


def _method_rows(result) -> list[dict]:
    rows = []
    for m in result.methods:
        row = {"key": m.key, "label": m.label, "estimate": "", "verdict": m.note}
        if m.estimate is not None:
            row.update(estimate=_signed_pct(m.estimate), actual=f"{_yuan(m.actual_fen):,.2f}",
                       baseline=f"{_yuan(m.baseline_fen):,.2f}")
            if m.low is not None:
                row.update(interval=f"{_signed_pct(m.low)} ～ {_signed_pct(m.high)}",
                           flagged=f"{m.placebo_flagged * 100:.0f}%",
                           verdict=_("有显著变化") if m.significant else _("与无活动时的波动无法区分"))
        rows.append(row)
    return rows
