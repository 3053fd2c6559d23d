"""State changes of the indicator catalogue, observations and targets. Each ``do_*`` is one transaction with an
audit record; loaders are safe to run twice and never overwrite what is stored (a revision is a new release)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from iccity.core import periods, policy
from iccity.core.actions import ActionRefused, record_audit
from iccity.orgs.models import Unit
from iccity.plans.actions import XIQING_PLAN_SLUG
from iccity.plans.models import Plan, PlanVersion, Task

from ..models import (
    Dimension, Framework, Indicator, IndicatorDimension, IndicatorTarget, Observation, Release, ReleaseStatus,
    TargetKind, TargetStatus,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_CATALOGUE = DATA_DIR / "catalogue.toml"
DEFAULT_OBSERVATIONS = DATA_DIR / "observations.toml"

INDICATOR_FIELDS = ("name", "definition", "unit", "direction", "frequency", "publication", "value_kind", "source_org",
                    "source_note", "breakdowns", "trajectory_method", "threshold_scale", "plausible_min",
                    "plausible_max", "limitations")
BREAKDOWN_KINDS = {"town", "district", "category"}


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _snapshot(obj, names) -> dict:
    return {n: (v if isinstance(v := getattr(obj, n), (int, float, bool, type(None), list, dict)) else str(v))
            for n in names}


# ---------------------------------------------------------------- catalogue

@dataclass
class CatalogueLoadResult:
    frameworks_created: list[str] = field(default_factory=list)
    dimensions_created: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _indicator_row(row: dict) -> dict:
    limitations = row.get("limitations", "")
    if row.get("series_breaks"):
        # also said in words where readers of the indicator look
        breaks = "、".join(f"{y}年" for y in row["series_breaks"])
        limitations = " ".join(filter(None, [limitations, f"序列断点：{breaks}，断点前后数据不得衔接计算增速。"]))
    out = {
        "series_breaks": [int(y) for y in row.get("series_breaks", [])],
        "name": row["name"], "definition": row["definition"].strip(), "unit": row["unit"],
        "direction": row.get("direction", "higher"), "frequency": row.get("frequency", "annual"),
        "publication": row.get("publication", "period"), "value_kind": row.get("value_kind", "level"),
        "source_org": row["source_org"], "source_note": row.get("source_note", ""),
        "breakdowns": row.get("breakdowns", []), "trajectory_method": row.get("trajectory", "compound"),
        "threshold_scale": _dec(row.get("threshold_scale", 1)), "plausible_min": _dec(row.get("plausible_min")),
        "plausible_max": _dec(row.get("plausible_max")), "limitations": limitations,
    }
    unknown = set(out["breakdowns"]) - BREAKDOWN_KINDS
    if unknown:
        raise ActionRefused(f"指标 {row['code']} 的分组类型无效：{'、'.join(sorted(unknown))}")
    return out


def _latest_plan_tasks() -> dict[str, Task]:
    version = PlanVersion.objects.filter(plan__slug=XIQING_PLAN_SLUG).order_by("-number").first()
    return {t.key: t for t in version.tasks.all()} if version else {}


@transaction.atomic
def do_load_catalogue(path: Path | str = DEFAULT_CATALOGUE, *, actor=None, update: bool = False) -> CatalogueLoadResult:
    """Load frameworks, dimensions and indicators. Adds what is missing; ``update`` also rewrites fields of existing
    indicators (otherwise an administrator's edits are kept). Dimension memberships, task links and the responsible
    unit are set for new indicators, with ``update``, or when the indicator has none yet."""
    policy.check_actor(actor, "indicators.manage_catalogue")
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    result = CatalogueLoadResult()
    dims: dict[str, Dimension] = {}
    for fw_row in data.get("framework", []):
        fw, made = Framework.objects.get_or_create(
            code=fw_row["code"], defaults={"name": fw_row["name"], "version": fw_row.get("version", ""),
                                           "source": fw_row["source"]})
        if made:
            record_audit(actor, "indicators.framework.created", fw, note=f"从 {Path(path).name} 载入")
            result.frameworks_created.append(fw.code)
        for position, d in enumerate(fw_row.get("dimension", []), start=1):
            dim, made = Dimension.objects.get_or_create(
                framework=fw, code=d["code"], defaults={"name": d["name"], "aliases": d.get("aliases", []),
                                                        "position": position})
            if not made and update:
                dim.name, dim.aliases, dim.position = d["name"], d.get("aliases", []), position
                dim.save()
            result.dimensions_created += made
            dims[f"{fw.code}:{dim.code}"] = dim
    tasks = _latest_plan_tasks()
    if not tasks:
        result.warnings.append("尚未导入西青区行动方案：指标与任务的关联暂不建立，导入方案后再次载入即可")
    units = {u.name: u for u in Unit.objects.all()}
    for row in data.get("indicator", []):
        fields = _indicator_row(row)
        indicator = Indicator.objects.filter(code=row["code"]).first()
        made = indicator is None
        if made:
            indicator = Indicator.objects.create(code=row["code"], **fields)
            record_audit(actor, "indicators.indicator.created", indicator, after=_snapshot(indicator, INDICATOR_FIELDS),
                         note=f"从 {Path(path).name} 载入")
            result.created.append(indicator.code)
        elif update:
            before = _snapshot(indicator, INDICATOR_FIELDS)
            for key, value in fields.items():
                setattr(indicator, key, value)
            indicator.save()
            indicator.refresh_from_db()
            if before != _snapshot(indicator, INDICATOR_FIELDS):
                record_audit(actor, "indicators.indicator.updated", indicator, before=before,
                             after=_snapshot(indicator, INDICATOR_FIELDS), note="目录文件更新")
                result.updated.append(indicator.code)
        unit_name = row.get("responsible_unit", "")
        if unit_name and (made or update or indicator.responsible_unit_id is None):
            if unit_name in units:
                if indicator.responsible_unit_id != units[unit_name].pk:
                    indicator.responsible_unit = units[unit_name]
                    indicator.save(update_fields=["responsible_unit"])
            else:
                result.warnings.append(f"{indicator.code}：单位名录中没有“{unit_name}”，责任单位暂空")
        if made or update or not indicator.dimensions.exists():
            for ref in row.get("dimensions", []):
                if ref not in dims:
                    raise ActionRefused(f"指标 {indicator.code} 引用了不存在的维度“{ref}”")
                IndicatorDimension.objects.get_or_create(indicator=indicator, dimension=dims[ref])
        if tasks and (made or update or not indicator.tasks.exists()):
            missing = [k for k in row.get("tasks", []) if k not in tasks]
            if missing:
                result.warnings.append(f"{indicator.code}：方案中没有任务 {'、'.join(missing)}")
            indicator.tasks.add(*[tasks[k] for k in row.get("tasks", []) if k in tasks])
    return result


# ---------------------------------------------------------------- observations

@dataclass
class ObservationLoadResult:
    releases_created: int = 0
    observations_created: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    targets_created: int = 0
    published: list[str] = field(default_factory=list)   # indicators made public by their sourced figures


def _indicators_by_code(codes) -> dict[str, Indicator]:
    found = {i.code: i for i in Indicator.objects.filter(code__in=set(codes))}
    missing = sorted(set(codes) - set(found))
    if missing:
        raise ActionRefused(f"指标目录中没有：{'、'.join(missing)}。请先载入指标目录")
    return found


def _check_value(indicator: Indicator, value: Decimal | None, growth: Decimal | None) -> None:
    if indicator.value_kind == "rate_only" and value is not None:
        raise ActionRefused(f"“{indicator.name}”只发布增速，请把数值填在“公布增速”中")
    if value is None and growth is None:
        raise ActionRefused("数值和增速至少填写一项")
    checked = growth if indicator.value_kind == "rate_only" else value
    if checked is None:
        return
    if indicator.plausible_min is not None and checked < indicator.plausible_min or \
            indicator.plausible_max is not None and checked > indicator.plausible_max:
        raise ActionRefused(f"“{indicator.name}”数值{checked}超出合理范围"
                            f"（{indicator.plausible_min}—{indicator.plausible_max}{indicator.unit}），请核对单位")


@transaction.atomic
def do_load_observations(path: Path | str = DEFAULT_OBSERVATIONS, *, actor=None) -> ObservationLoadResult:
    """Load releases with their observations, and targets. Existing rows stay as they are: the same release and
    period again is "unchanged"; a different value for them is listed as a conflict, not written."""
    policy.check_actor(actor, "indicators.import_data")
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    codes = [o["indicator"] for r in data.get("release", []) for o in r.get("observations", [])]
    for t in data.get("target", []):
        codes += [t["indicator"]] + ([t["reference"]] if t.get("reference") else [])
    indicators = _indicators_by_code(codes)
    result = ObservationLoadResult()
    sourced: dict[int, Indicator] = {}
    for r in data.get("release", []):
        if not r.get("publisher") or not r.get("title"):
            raise ActionRefused("每个发布版次都必须有名称和发布机构")
        release = Release.objects.filter(title=r["title"], publisher=r["publisher"],
                                         published_on=r["published_on"]).first()
        if release is None:
            release = Release.objects.create(
                title=r["title"], publisher=r["publisher"], published_on=r["published_on"],
                status=r.get("status", ReleaseStatus.FINAL), url=r.get("url", ""), confidence=r.get("confidence", ""),
                note=r.get("note", ""), created_by=actor if getattr(actor, "is_authenticated", False) else None)
            result.releases_created += 1
        added = []
        for o in r.get("observations", []):
            indicator = indicators[o["indicator"]]
            p = periods.parse_period(o["period"])
            value, growth = _dec(o.get("value")), _dec(o.get("growth_rate"))
            if value is not None or growth is not None:
                sourced[indicator.pk] = indicator
            kind, bvalue = (o.get("breakdown") or ["", ""])
            key = dict(indicator=indicator, release=release, area=o.get("area", "西青区"), period=p.key,
                       breakdown_kind=kind, breakdown_value=bvalue, is_cumulative=p.cumulative)
            existing = Observation.objects.filter(**key).first()
            if existing is not None:
                if (existing.value, existing.growth_rate) == (value, growth):
                    result.unchanged += 1
                else:
                    result.conflicts.append(f"{release.title} {indicator.name} {p.label}：已存 {existing.value}/"
                                            f"{existing.growth_rate}，文件为 {value}/{growth}（未覆盖，修订请新建版次）")
                continue
            if value is not None or growth is not None:
                _check_value(indicator, value, growth)
            Observation.objects.create(**key, period_end=p.end, value=value, growth_rate=growth, note=o.get("note", ""))
            added.append(f"{indicator.code} {o.get('area', '西青区')} {p.key}")
        result.observations_created += len(added)
        if added:
            record_audit(actor, "indicators.release.loaded", release, after={"observations": added},
                         note=f"从 {Path(path).name} 载入")
    from .publication import publish_sourced

    result.published = [i.code for i in publish_sourced(sourced.values(), actor=actor, source=Path(path).name)]
    for t in data.get("target", []):
        indicator = indicators[t["indicator"]]
        ident = dict(indicator=indicator, area=t.get("area", "西青区"), kind=t["kind"], comparator=t["comparator"],
                     value=_dec(t.get("value")), year=t["year"], source_document=t["source_document"])
        if IndicatorTarget.objects.filter(**ident).exists():
            continue
        target = IndicatorTarget.objects.create(
            **ident, unit=t.get("unit", ""), upper=_dec(t.get("upper")), baseline_year=t.get("baseline_year"),
            reference_indicator=indicators.get(t.get("reference", "")), source_clause=t.get("source_clause", ""),
            status=t.get("status", TargetStatus.DRAFT))
        record_audit(actor, "indicators.target.created", target, after=_target_snapshot(target),
                     note=f"从 {Path(path).name} 载入")
        result.targets_created += 1
    return result


@transaction.atomic
def do_create_release(title: str, publisher: str, published_on, *, actor, url: str = "", confidence: str = "",
                      status: str = ReleaseStatus.FINAL, note: str = "") -> Release:
    policy.check_actor(actor, "indicators.import_data")
    if not title.strip() or not publisher.strip():
        raise ActionRefused("发布版次必须写明名称和发布机构（数据来源）")
    release = Release.objects.create(title=title.strip(), publisher=publisher.strip(), published_on=published_on,
                                     url=url, confidence=confidence, status=status, note=note,
                                     created_by=actor if getattr(actor, "is_authenticated", False) else None)
    record_audit(actor, "indicators.release.created", release)
    return release


@transaction.atomic
def do_record_observation(indicator: Indicator, area: str, period: str, value, *, release: Release, actor,
                          growth_rate=None, breakdown: tuple[str, str] | None = None, note: str = "") -> Observation:
    """One value from a form. A second value for the same release and period is refused: a revision is a new release."""
    policy.check_actor(actor, "indicators.import_data", indicator)
    try:
        p = periods.parse_period(period)
    except periods.PeriodError as exc:
        raise ActionRefused(exc.message) from exc
    kind, bvalue = breakdown or ("", "")
    if kind and kind not in (indicator.breakdowns or []):
        raise ActionRefused(f"“{indicator.name}”不允许按“{kind}”分组")
    value, growth = _dec(value), _dec(growth_rate)
    _check_value(indicator, value, growth)
    key = dict(indicator=indicator, release=release, area=area, period=p.key, breakdown_kind=kind,
               breakdown_value=bvalue, is_cumulative=p.cumulative)
    if Observation.objects.select_for_update().filter(**key).exists():
        raise ActionRefused(f"“{release.title}”中已有{area}{p.label}的数值；修订数据请新建发布版次，原值保留")
    obs = Observation.objects.create(**key, period_end=p.end, value=value, growth_rate=growth, note=note)
    record_audit(actor, "indicators.observation.created", obs,
                 after={"value": str(value), "growth_rate": str(growth), "release": release.pk, "period": p.key})
    return obs


# ---------------------------------------------------------------- targets

TARGET_FIELDS = ("kind", "comparator", "value", "upper", "unit", "year", "baseline_year", "baseline_observation_id",
                 "reference_indicator_id", "source_document", "source_clause", "status", "area")


def _target_snapshot(target: IndicatorTarget) -> dict:
    return _snapshot(target, TARGET_FIELDS)


@transaction.atomic
def do_set_target(indicator: Indicator, *, kind: str, comparator: str, year: int, source_document: str, actor,
                  value=None, upper=None, unit: str = "", area: str = "西青区", baseline_year: int | None = None,
                  baseline_observation: Observation | None = None, reference_indicator: Indicator | None = None,
                  source_clause: str = "") -> IndicatorTarget:
    """A target entered by hand, as a draft: it needs its source document; adoption is a separate step."""
    policy.check_actor(actor, "indicators.manage_targets", indicator)
    if kind not in TargetKind.values:
        raise ActionRefused(f"未知的目标类型“{kind}”")
    if not source_document.strip():
        raise ActionRefused("目标必须写明出处文件（无出处的目标不应录入）")
    if kind == TargetKind.SYNC and reference_indicator is None:
        raise ActionRefused("“与另一序列同步”的目标必须指定参照序列")
    if kind == TargetKind.RELATIVE and baseline_year is None:
        raise ActionRefused("相对基期的目标必须写明基期年份")
    if kind != TargetKind.SYNC and value is None:
        raise ActionRefused("请填写目标值")
    target = IndicatorTarget.objects.create(
        indicator=indicator, area=area, kind=kind, comparator=comparator, value=_dec(value), upper=_dec(upper),
        unit=unit or indicator.unit, year=year, baseline_year=baseline_year, baseline_observation=baseline_observation,
        reference_indicator=reference_indicator, source_document=source_document.strip(), source_clause=source_clause)
    record_audit(actor, "indicators.target.created", target, after=_target_snapshot(target))
    return target


@transaction.atomic
def do_adopt_target(target: IndicatorTarget, *, actor) -> IndicatorTarget:
    policy.check_actor(actor, "indicators.manage_targets", target)
    target = IndicatorTarget.objects.select_for_update().get(pk=target.pk)
    if target.status == TargetStatus.ADOPTED:
        raise ActionRefused("该目标已采用")
    before = _target_snapshot(target)
    target.status = TargetStatus.ADOPTED
    target.save(update_fields=["status"])
    record_audit(actor, "indicators.target.adopted", target, before=before, after=_target_snapshot(target))
    return target


# ---------------------------------------------------------------- plan targets → indicator targets

@dataclass
class ProposalResult:
    created: list[IndicatorTarget] = field(default_factory=list)
    existing: int = 0
    unmatched: list = field(default_factory=list)   # plans.Target rows no indicator matches (listed, not guessed)


_SYNONYMS = (("GDP", "地区生产总值"), ("社零", "社会消费品零售总额"))
_KIND_MAP = {"percentage": TargetKind.SHARE}


def _norm(text: str) -> str:
    for short, full in _SYNONYMS:
        text = text.replace(short, full)
    text = re.sub(r"[“”\"'‘’《》「」\s]", "", text)
    return re.sub(r"(的)?(数量|总数|个数|数)$", "", text)


def match_indicator(subject: str, unit: str, indicators) -> Indicator | None:
    """The one indicator whose name equals the subject, else the only one where either contains the other; the
    unit must agree. Several candidates → None (listed for the office, never guessed)."""
    s = _norm(subject)
    if len(s) < 2:
        return None
    fits = [i for i in indicators if not unit or unit == i.unit]
    exact = [i for i in fits if _norm(i.name) == s]
    found = exact or [i for i in fits if (n := _norm(i.name)) and (s in n or n in s)]
    return found[0] if len(found) == 1 else None


@transaction.atomic
def do_propose_targets_from_plan(version: PlanVersion, *, actor=None, area: str = "西青区") -> ProposalResult:
    """Turn the plan's quantified targets into draft indicator targets where one indicator clearly matches."""
    policy.check_actor(actor, "indicators.manage_targets", version)
    result = ProposalResult()
    indicators = list(Indicator.objects.all())
    source = f"《{version.title.strip('《》')}》"
    for pt in version.targets.select_related("task"):
        if IndicatorTarget.objects.filter(plan_target=pt).exists():
            result.existing += 1
            continue
        indicator = match_indicator(pt.subject, pt.unit if pt.kind not in ("growth", "sync") else "", indicators)
        if indicator is None or pt.year is None:
            result.unmatched.append(pt)
            continue
        kind = _KIND_MAP.get(pt.kind, pt.kind)
        if kind not in TargetKind.values:
            result.unmatched.append(pt)
            continue
        reference = match_indicator(pt.reference, "", indicators) if kind == TargetKind.SYNC else None
        same = IndicatorTarget.objects.filter(indicator=indicator, area=area, kind=kind, year=pt.year,
                                              value=pt.value, plan_target__version__plan=version.plan)
        if same.exists():   # the same commitment from an earlier version of the plan
            result.existing += 1
            continue
        target = IndicatorTarget.objects.create(
            indicator=indicator, area=area, kind=kind, comparator=">=" if pt.comparator == "sync" else pt.comparator,
            value=pt.value, upper=pt.upper, unit=pt.unit or indicator.unit, year=pt.year,
            baseline_year=pt.baseline_year, reference_indicator=reference, source_document=source,
            source_clause=f"{pt.task.key if pt.task else ''} {pt.text}".strip(), plan_target=pt)
        record_audit(actor, "indicators.target.proposed", target, after=_target_snapshot(target),
                     note=f"来自方案解析：{pt.text}")
        result.created.append(target)
    return result


def xiqing_plan_version() -> PlanVersion | None:
    plan = Plan.objects.filter(slug=XIQING_PLAN_SLUG).first()
    return plan.versions.order_by("-number").first() if plan else None
