"""``iccity indicators load [--update]`` and ``iccity indicators status [CODE] [--area 西青区] [--as-of 2025-06-30]``."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from iccity.core.actions import ActionRefused
from iccity.core.rules import do_ensure_declared_rules
from iccity.indicators.actions.catalogue import (
    DEFAULT_CATALOGUE, DEFAULT_OBSERVATIONS, do_load_catalogue, do_load_observations,
    do_propose_targets_from_plan, xiqing_plan_version,
)
from iccity.indicators.models import Indicator, IndicatorTarget, Observation
from iccity.indicators.progress import indicator_status


class Command(BaseCommand):
    help = "指标：载入目录与真实数据（可重复执行），查看进展状态"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入指标目录、真实数据、默认规则，并把方案中的量化目标转为草拟目标")
        load.add_argument("--catalogue", default=str(DEFAULT_CATALOGUE))
        load.add_argument("--observations", default=str(DEFAULT_OBSERVATIONS))
        load.add_argument("--update", action="store_true", help="用文件内容覆盖已有指标的字段")
        status = sub.add_parser("status", help="显示指标进展状态及理由")
        status.add_argument("code", nargs="?")
        status.add_argument("--area", help="地区（默认：有数据或目标的所有地区）")
        status.add_argument("--as-of", type=dt.date.fromisoformat, help="数据截止日 YYYY-MM-DD")

    def handle(self, *args, action, **opts):
        try:
            getattr(self, f"_{action}")(**opts)
        except ActionRefused as exc:
            raise CommandError(exc.message) from exc

    def _load(self, *, catalogue, observations, update, **_):
        cat = do_load_catalogue(catalogue, update=update)
        self.stdout.write(f"指标目录：新增框架 {len(cat.frameworks_created)} 个、维度 {cat.dimensions_created} 个、"
                          f"指标 {len(cat.created)} 个，更新 {len(cat.updated)} 个")
        for warning in cat.warnings:
            self.stdout.write(f"  提示：{warning}")
        obs = do_load_observations(observations)
        self.stdout.write(f"真实数据：新增发布版次 {obs.releases_created} 个、观测值 {obs.observations_created} 个、"
                          f"目标 {obs.targets_created} 个；未变 {obs.unchanged} 个")
        for conflict in obs.conflicts:
            self.stdout.write(f"  冲突（未覆盖）：{conflict}")
        rules = do_ensure_declared_rules(prefix="indicators.")
        self.stdout.write(f"默认规则：新增 {len(rules)} 条")
        version = xiqing_plan_version()
        if version is None:
            self.stdout.write("尚未导入西青区行动方案：跳过方案目标")
            return
        proposal = do_propose_targets_from_plan(version)
        self.stdout.write(f"方案量化目标：新增草拟目标 {len(proposal.created)} 个，已有 {proposal.existing} 个，"
                          f"未匹配 {len(proposal.unmatched)} 个")
        for pt in proposal.unmatched:
            self.stdout.write(f"  未匹配：{pt.text}（对象“{pt.subject}”）")

    def _status(self, *, code, area, as_of, **_):
        indicators = Indicator.objects.order_by("code")
        if code:
            indicators = indicators.filter(code=code)
            if not indicators:
                raise CommandError(f"没有指标 {code}")
        for indicator in indicators:
            if area:
                areas = [area]
            else:
                areas = set(Observation.objects.filter(indicator=indicator).values_list("area", flat=True))
                areas |= set(IndicatorTarget.objects.filter(indicator=indicator).values_list("area", flat=True))
                areas = sorted(areas | {"西青区"}, key=lambda a: (a != "西青区", a))
            for one in areas:
                status = indicator_status(indicator, area=one, as_of=as_of)
                self.stdout.write(f"{indicator.code} {indicator.name}［{one}］：{status.label} —— {status.reason}")
