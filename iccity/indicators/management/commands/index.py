"""``iccity index run|show|list|check``: composite-index editions from the command line.

    iccity index run --framework xq-icc --year 2024 --by town --method minmax --weights entropy --topsis --name "2024 镇街"
    iccity index run --framework xq-icc --year 2020-2024 --by year --weights equal --name "西青区 2020—2024"
    iccity index show 3

``--weights ahp:FILE.json`` reads {"dimensions" | "indicators": {"order": [codes], "matrix": [[…]]}};
``--weights user:FILE.json`` reads {"dimensions" | "indicators": {code: 0–5}}. Editions are never changed: running
again makes a new edition.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from iccity.core.actions import ActionRefused
from iccity.core.timefmt import screen_datetime

EXIT_BAD_INPUT = 2


def parse_weights(text: str) -> dict:
    """``equal`` | ``entropy`` | ``critic`` | ``ahp:FILE.json`` | ``user:FILE.json`` → the weights spec of an edition."""
    if text in ("equal", "entropy", "critic"):
        return {"indicators": text}
    kind, _, file = text.partition(":")
    if kind not in ("ahp", "user") or not file:
        raise ActionRefused(f"--weights 应为 equal、entropy、critic、ahp:文件.json 或 user:文件.json，而不是 {text}。")
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
    except OSError:
        raise ActionRefused(f"找不到或无法读取权重文件：{file}") from None
    except json.JSONDecodeError as exc:
        raise ActionRefused(f"权重文件不是有效的 JSON：{file}（第{exc.lineno}行）") from None
    levels = [k for k in ("dimensions", "indicators") if k in (data if isinstance(data, dict) else {})]
    if not levels:
        raise ActionRefused("权重文件应包含 \"dimensions\" 或 \"indicators\"。")
    return {level: {kind: data[level]} for level in levels}


def parse_years(text: str) -> list[int]:
    try:
        if "-" in text:
            a, b = (int(p) for p in text.split("-", 1))
            return list(range(a, b + 1))
        return [int(p) for p in text.split(",")]
    except ValueError:
        raise ActionRefused(f"年份格式应为 2024、2020-2024 或 2021,2023，而不是 {text}。") from None


def render_edition(edition) -> str:
    from iccity.indicators.composite import METHOD_LABELS

    m, w, inputs = edition.method, edition.weights, edition.inputs
    dims = {d["code"]: d["name"] for d in inputs["dimensions"]}
    names = {i["code"]: i["name"] for i in inputs["indicators"]}
    lines = [f"#{edition.pk} {edition.name}", f"框架：{edition.framework.name}（{edition.framework.code}）",
             f"数据截止：{edition.as_of:%Y-%m-%d}；生成：{screen_datetime(edition.created_at)}；"
             f"期间：{'、'.join(m.get('periods', []))}；评价单元：{m['by']}",
             f"方法：{METHOD_LABELS[m['normalisation']]}；指标赋权 {METHOD_LABELS.get(w['indicator_method'], w['indicator_method'])}；"
             f"维度赋权 {METHOD_LABELS.get(w['dimension_method'], w['dimension_method'])}；"
             f"合成 {METHOD_LABELS[m['aggregation']]}{'；另算 TOPSIS 贴近度' if m.get('topsis') else ''}；"
             f"缺失值 {'均值插补' if m['missing'] == 'mean' else '拒绝'}",
             "维度权重：" + "，".join(f"{dims.get(c, c)} {v:.4f}" for c, v in w["dimensions"].items()),
             f"指标权重（{METHOD_LABELS.get(w['indicator_method'], w['indicator_method'])}）："
             + "，".join(f"{names.get(c, c)} {v:.4f}" for c, v in w["indicators"].items()),
             "总体有效权重（维度权重 × 维度内权重）：" + "，".join(f"{names.get(c, c)} {v:.4f}" for c, v in w["effective"].items())]
    for level, info in w.get("ahp", {}).items():
        lines.append(f"AHP（{level}）：λmax = {info['lambda_max']:.3f}，CI = {info['ci']:.3f}，CR = {info['cr']:.3f}")
    rows = sorted(edition.results["units"], key=lambda r: (r["rank"], r["unit"]))
    header = ["排名", "单元", *[dims.get(c, c) for c in w["dimensions"]], "综合得分"]
    if m.get("topsis"):
        header += ["TOPSIS", "TOPSIS排名"]
    lines += ["", "\t".join(header)]
    for r in rows:
        cells = [str(r["rank"]), r["unit"], *[f"{r['dimensions'][c]:.4f}" for c in w["dimensions"]], f"{r['overall']:.4f}"]
        if "topsis" in r:
            cells += [f"{r['topsis']:.4f}", str(r["topsis_rank"])]
        lines.append("\t".join(cells))
    sens = edition.results.get("sensitivity", {})
    if "shift" in sens:
        lines.append(f"\n单项权重 ±{sens['shift']:.0%} 敏感性：" + ("排名均不变" if not sens["rank_changes"] else ""))
        lines += [f"  {names.get(c['indicator'], c['indicator'])} {c['shift']:+.0%}："
                  + "，".join(f"{u} → 第{r}名" for u, r in c["units"].items()) for c in sens["rank_changes"]]
    mc = sens.get("monte_carlo")
    if mc:
        lines.append(f"\n蒙特卡洛敏感性（{mc['runs']} 次，权重 ±{mc['spread']:.0%}，种子 {mc['seed']}）：")
        lines += [f"  {u}：排名 {v['min']}–{v['max']}（中位 {v['median']:g}）" for u, v in mc["ranks"].items()]
    if edition.warnings:
        lines.append(f"\n提示 {len(edition.warnings)} 条")
        lines += [f"  {text}" for text in edition.warnings]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "综合指数：生成冻结的版次、查看结果"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("run", help="生成新的综合指数版次（不修改已有版次）")
        p.add_argument("--framework", required=True, help="评价框架代码")
        p.add_argument("--year", required=True, help="年份；--by year 时为 2020-2024 或 2021,2023")
        p.add_argument("--by", choices=["town", "district", "area", "year"], default="town")
        p.add_argument("--units", default="", help="评价单元（逗号分隔）；默认为有数据的全部镇街/商圈/地区")
        p.add_argument("--area", default="西青区", help="镇街、商圈或时间指数所属地区")
        p.add_argument("--method", choices=["minmax", "zscore"], default="minmax", help="标准化方法")
        p.add_argument("--weights", default="equal", help="equal|entropy|critic|ahp:FILE.json|user:FILE.json")
        p.add_argument("--dimension-weights", choices=["equal", "sum"], default=None,
                       help="维度权重：等权（默认）或维度内指标权重之和")
        p.add_argument("--aggregation", choices=["arithmetic", "geometric"], default="arithmetic")
        p.add_argument("--missing", choices=["refuse", "mean"], default="refuse", help="缺失值：拒绝或均值插补")
        p.add_argument("--topsis", action="store_true", help="同时计算 TOPSIS 贴近度")
        p.add_argument("--sensitivity", type=int, default=0, metavar="N", help="蒙特卡洛敏感性分析次数（种子 0）")
        p.add_argument("--as-of", default=None, help="数据截止日期 YYYY-MM-DD，默认今天")
        p.add_argument("--name", required=True)
        p = sub.add_parser("show", help="显示版次的方法、权重与结果")
        p.add_argument("id", type=int)
        p = sub.add_parser("check", help="用冻结的输入重新计算，核对结果是否一致")
        p.add_argument("id", type=int)
        sub.add_parser("list", help="列出版次")

    def handle(self, *args, **opts):
        try:
            getattr(self, "do_" + opts["action"])(**opts)
        except ActionRefused as exc:
            self.fail(exc.message)

    def fail(self, message: str) -> None:
        self.stderr.write(f"错误：{message}")
        sys.exit(EXIT_BAD_INPUT)

    def _edition(self, pk: int):
        from iccity.indicators.models import IndexEdition

        edition = IndexEdition.objects.select_related("framework").filter(pk=pk).first()
        if edition is None:
            self.fail(f"没有编号为 {pk} 的综合指数版次")
        return edition

    def do_run(self, **o):
        from iccity.core import clock
        from iccity.indicators.actions.editions import available_units, do_create_edition
        from iccity.indicators.models import Framework

        framework = Framework.objects.filter(code=o["framework"]).first()
        if framework is None:
            self.fail(f"没有代码为 {o['framework']} 的评价框架")
        try:
            as_of = dt.date.fromisoformat(o["as_of"]) if o["as_of"] else clock.today()
        except ValueError:
            self.fail(f"日期格式应为 YYYY-MM-DD：{o['as_of']}")
        years = parse_years(o["year"])
        weights = parse_weights(o["weights"])
        if o["dimension_weights"]:
            weights["dimensions"] = o["dimension_weights"]
        method = {"by": o["by"], "area": o["area"], "normalisation": o["method"], "aggregation": o["aggregation"],
                  "missing": o["missing"], "topsis": o["topsis"]}
        if o["sensitivity"]:
            method["sensitivity"] = {"runs": o["sensitivity"], "spread": 0.2, "seed": 0, "shift": 0.2}
        units = [u.strip() for u in o["units"].split(",") if u.strip()]
        if o["by"] == "year":
            kwargs = {"years": years, "areas_or_breakdowns": units or [o["area"]]}
        else:
            if len(years) != 1:
                self.fail("按镇街、商圈或地区计算时 --year 只能是一个年份")
            units = units or available_units(framework, by=o["by"], year=years[0], as_of=as_of, area=o["area"])
            if not units:
                self.fail(f"{years[0]} 年在 {as_of} 前没有按 {o['by']} 分组的已发布数据")
            kwargs = {"year": years[0], "areas_or_breakdowns": units}
        edition = do_create_edition(framework=framework, name=o["name"], as_of=as_of, method=method, weights=weights,
                                    actor=None, **kwargs)
        self.stdout.write(f"已生成综合指数版次 #{edition.pk}")
        self.stdout.write(render_edition(edition))

    def do_show(self, id: int, **_):
        self.stdout.write(render_edition(self._edition(id)))

    def do_check(self, id: int, **_):
        from iccity.indicators.actions.editions import is_reproducible

        edition = self._edition(id)
        if not is_reproducible(edition):
            self.fail(f"版次 #{id} 用冻结输入重新计算的结果与保存的结果不一致")
        self.stdout.write(f"版次 #{id} 可复现：重新计算结果与保存的结果一致。")

    def do_list(self, **_):
        from iccity.indicators.models import IndexEdition

        for e in IndexEdition.objects.select_related("framework").order_by("-created_at", "-id"):
            self.stdout.write(f"#{e.pk}\t{e.as_of:%Y-%m-%d}\t{e.framework.code}\t{e.method.get('by', '')}\t{e.name}")
