"""``iccity consumption metrics | impact | publish``: the analysis subcommands (wired by the command file).

    iccity consumption metrics spend --by district,month --start 2024-01-01 --end 2024-03-31 [--source raw]
                               [--engine pyspark] [--format csv]
    iccity consumption impact --start 2024-02-10 --end 2024-02-25 --districts 杨柳青大运河国家文化公园文旅商圈
    iccity consumption publish [--run RUN_ID] [--dry-run]
"""
from __future__ import annotations

import datetime as dt

from iccity.core.actions import ActionRefused

METRICS = ("spend", "night_share", "origin_share", "growth", "footfall", "merchant_contribution", "lunar_yoy")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ActionRefused(f"日期“{value}”格式应为 2024-02-10") from None


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").replace("，", ",").split(",") if v.strip()]


def add_arguments(subparsers) -> None:
    p = subparsers.add_parser("metrics", help="计算消费指标（DuckDB 默认，可选 PySpark）并输出表格")
    p.add_argument("metric", choices=METRICS)
    p.add_argument("--by", default="", help="分组字段，逗号分隔，如 district,month")
    p.add_argument("--start")
    p.add_argument("--end")
    p.add_argument("--districts", help="只看这些商圈（逗号分隔）")
    p.add_argument("--source", choices=("auto", "rollup", "raw"), default="auto")
    p.add_argument("--engine", choices=("duckdb", "pyspark"), default="duckdb")
    p.add_argument("--night", default="18-6", help="夜间时段，如 18-6 或 19-6")
    p.add_argument("--lunar-year", type=int, help="lunar_yoy：农历年")
    p.add_argument("--lunar-window", default="1.1-1.16", help="lunar_yoy：农历区间 月.日-月.日，默认正月初一至十六")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p = subparsers.add_parser("impact", help="估计活动期间的消费增量（多种基线 + 安慰剂检验）")
    p.add_argument("--start", required=True)
    p.add_argument("--end", required=True)
    p.add_argument("--districts", required=True, help="受影响商圈，逗号分隔")
    p.add_argument("--comparison", help="对照商圈（默认：其余全部商圈）")
    p = subparsers.add_parser("publish", help="把消费指标作为观测值发布到指标库（一个入库批次一个发布版次）")
    p.add_argument("--run", help="入库批次号（默认最近一次完成的交易数据批次）")
    p.add_argument("--dry-run", action="store_true")


def handle(subcommand: str, options: dict, stdout) -> None:
    from . import impact, metrics

    try:
        if subcommand == "metrics":
            return _metrics(options, stdout)
        if subcommand == "impact":
            return _impact(options, stdout)
        if subcommand == "publish":
            return _publish(options, stdout)
    except (metrics.MetricError, impact.ImpactError) as problem:
        raise ActionRefused(str(problem)) from None
    raise ActionRefused(f"未知子命令 {subcommand}")


def _engine(name: str):
    from .engine import Engine

    return Engine(name)


def _metrics(o: dict, stdout) -> None:
    import pandas as pd

    from . import metrics

    kw = {"start": _date(o["start"]) if o.get("start") else None, "end": _date(o["end"]) if o.get("end") else None,
          "districts": _list(o.get("districts")) or None, "source": o.get("source", "auto")}
    by = _list(o.get("by"))
    engine = _engine(o.get("engine", "duckdb"))
    try:
        name = o["metric"]
        if name == "night_share":
            try:
                window = tuple(int(x) for x in o.get("night", "18-6").split("-"))
            except ValueError:
                raise ActionRefused("夜间时段格式应为 18-6") from None
            freq = "month" if "month" in by else ("date" if "date" in by else None)
            df = metrics.night_share(engine, freq=freq, by=[b for b in by if b not in ("date", "month")],
                                     window=window, **kw)
        elif name == "lunar_yoy":
            if not o.get("lunar_year"):
                raise ActionRefused("lunar_yoy 需要 --lunar-year")
            first, last = (tuple(int(x) for x in part.split(".")) for part in o["lunar_window"].split("-"))
            df = metrics.lunar_aligned(engine, lunar_year=o["lunar_year"], first=first, last=last,
                                       districts=kw["districts"], source=kw["source"])
        else:
            df = getattr(metrics, name)(engine, by=by, **kw)
    finally:
        engine.close()
    if o.get("format") == "csv":
        from iccity.core.exports import safe_cell

        # names and labels: formula injection (pandas 3 gives text a string dtype, older pandas object)
        text_cols = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]
        stdout.write(df.assign(**{c: df[c].map(safe_cell) for c in text_cols}).to_csv(index=False))
    else:
        with pd.option_context("display.max_rows", 500, "display.width", 200):
            stdout.write(df.to_string(index=False))


def _impact(o: dict, stdout) -> None:
    from . import impact

    engine = _engine("duckdb")
    try:
        result = impact.estimate(engine, _date(o["start"]), _date(o["end"]), _list(o["districts"]),
                                 comparison=_list(o.get("comparison")) or None)
    finally:
        engine.close()
    stdout.write(f"活动窗口 {result.start} 至 {result.end}；受影响：{'、'.join(result.districts)}；"
                 f"对照：{'、'.join(result.comparison) or '无'}；安慰剂窗口 {len(result.placebo_windows)} 个")
    for m in result.methods:
        if m.estimate is None:
            stdout.write(f"  {m.label}：{m.note}")
            continue
        interval = f"[{m.low:+.1%}, {m.high:+.1%}]" if m.low is not None else "（无区间）"
        flagged = f"；安慰剂误报 {m.placebo_flagged:.0%}" if m.placebo_flagged is not None else ""
        verdict = "显著" if m.significant else "不显著"
        stdout.write(f"  {m.label}：{m.estimate:+.1%} 95%区间 {interval} {verdict}{flagged} {m.note}".rstrip())


def _publish(o: dict, stdout) -> None:
    from .actions.publish import do_publish_metrics
    from .models import IngestionRun

    runs = IngestionRun.objects.filter(state=IngestionRun.State.COMPLETE, dataset__kind="transactions")
    run = runs.filter(run_id=o["run"]).first() if o.get("run") else runs.order_by("-finished_at").first()
    if run is None:
        raise ActionRefused(f"找不到已完成的交易数据入库批次{o.get('run') or ''}")
    outcome = do_publish_metrics(run, dry_run=o.get("dry_run", False))
    if not outcome.ok:
        for error in outcome.report.errors[:20]:
            stdout.write(f"错误：{error.message}")
        raise ActionRefused("发布未写入任何数据（见上方错误）")
    verb = "将新增" if outcome.dry_run else "新增"
    stdout.write(f"{run.run_id}：{verb} {outcome.report.new if outcome.dry_run else outcome.created} 条观测值，"
                 f"未变 {outcome.unchanged} 条")
