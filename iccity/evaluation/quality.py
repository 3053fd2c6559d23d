"""Report-quality checks (判断报告质量): flags with a Chinese reason for reviewers; they never block a submission.

Checks on a revision's 工作进展 (narrative), with thresholds from the ``evaluation.quality`` rule in force on the day
the revision was submitted (so a later threshold change does not re-judge old reports):

- ``empty``: blank, or fewer substantive characters than the minimum once boilerplate phrases (稳步推进, 积极落实,
  取得成效…) and punctuation are removed;
- ``repeated``: character-shingle Jaccard similarity to the same unit's previous report on the same task at or above
  the threshold;
- ``copied``: the same similarity to another unit's report in the same cycle that was submitted earlier (the later
  one is the copy). The lead unit's report may quote its co-units on the same task (it consolidates them);
- ``no_facts``: no figure, date, place (towns/streets of the registry, 商圈 and places, common place suffixes) or
  named project (《…》, “…”), and no row in 数据;
- ``contradicts``: a figure (from 数据 or written as “<indicator name> … 12.3 亿元”) for an indicator whose official
  observation for the same period and area differs by more than the tolerance (% of the official value).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

QUALITY_RULE = "evaluation.quality"
NO_SUBSTANCE_CODES = ("empty", "no_facts")

QUALITY_VALUE = {
    "min_substantive_chars": 20,
    "boilerplate": ["稳步推进", "扎实推进", "有序推进", "积极推进", "持续推进", "全力推进", "大力推进", "按计划推进",
                    "积极落实", "认真落实", "狠抓落实", "抓好落实", "贯彻落实", "取得成效", "取得明显成效", "初见成效",
                    "成效明显", "进展顺利", "高度重视", "加强领导", "统筹推进", "不断加强", "切实加强", "进一步",
                    "各项工作", "相关工作", "工作", "按照要求", "认真贯彻", "全面"],
    "shingle_size": 3,
    "repeat_threshold": 0.8,
    "copy_threshold": 0.8,
    "min_compare_chars": 20,
    "contradiction_tolerance_pct": 5,
}

PUNCT = re.compile(r"[\s\u3000，。、；：！？,.;:!?（）()\[\]【】“”\"'‘’《》<>—\-…·/]+")
FIGURE = re.compile(r"[0-9０-９]|[一二两三四五六七八九十百千万亿]+(?:个|家|项|场|次|件|人|户|元|批|条|处|所|座|类|期|轮|月|日|号|年)")
PROJECT = re.compile(r"《[^》]{2,40}》|“[^”]{2,30}”|\"[^\"]{2,30}\"")
PLACE_SUFFIX = re.compile(r"[\u4e00-\u9fa5]{2,8}(?:商圈|广场|步行街|购物中心|综合体|产业园|古镇|大街|夜市|商业街|市场)")
NUMBER = r"([0-9]+(?:\.[0-9]+)?)"
UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


@dataclass(frozen=True)
class FlagFinding:
    code: str
    key: str
    reason: str
    detail: dict = field(default_factory=dict)


# ---------------------------------------------------------------- pure checks

def normalise(text: str) -> str:
    return PUNCT.sub("", text or "")


def substantive(text: str, boilerplate: list[str]) -> str:
    s = normalise(text)
    for phrase in sorted(boilerplate, key=len, reverse=True):
        s = s.replace(phrase, "")
    return s


def shingles(text: str, k: int) -> set[str]:
    s = normalise(text)
    if len(s) <= k:
        return {s} if s else set()
    return {s[i:i + k] for i in range(len(s) - k + 1)}


def similarity(a: str, b: str, k: int = 3) -> float:
    """Jaccard similarity of character k-shingles (0—1), robust to small edits and reordering of sentences."""
    sa, sb = shingles(a, k), shingles(b, k)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def check_empty(text: str, value: dict) -> FlagFinding | None:
    left = substantive(text, value["boilerplate"])
    minimum = int(value["min_substantive_chars"])
    if len(left) >= minimum:
        return None
    if not normalise(text):
        reason = "工作进展为空"
    else:
        reason = f"去掉“稳步推进”“积极落实”等套话后只剩 {len(left)} 个字（少于 {minimum} 字），没有实质内容"
    return FlagFinding("empty", "", reason, {"substantive_chars": len(left), "minimum": minimum})


def find_facts(text: str, places: list[str]) -> list[str]:
    """The kinds of fact the text names: 数字/日期, 地点, 项目名称."""
    kinds = []
    if FIGURE.search(text or ""):
        kinds.append("数字或日期")
    if any(p and p in text for p in places) or PLACE_SUFFIX.search(text or ""):
        kinds.append("地点")
    if PROJECT.search(text or ""):
        kinds.append("项目名称")
    return kinds


def check_no_facts(text: str, figures: list, places: list[str]) -> FlagFinding | None:
    if any(str(f.get("value", "")).strip() for f in figures or []) or find_facts(text, places):
        return None
    return FlagFinding("no_facts", "", "工作进展中没有任何数字、日期、地点或项目名称，无法核实进展", {})


def check_similar(code: str, text: str, others: list[tuple[str, str, str]], threshold: float, k: int,
                  min_chars: int) -> list[FlagFinding]:
    """``others``: (key, label, text). One finding per other text at or above the threshold."""
    if len(normalise(text)) < min_chars:
        return []  # too short to compare; ``empty`` speaks for it
    found = []
    for key, label, other in others:
        if len(normalise(other)) < min_chars:
            continue
        score = similarity(text, other, k)
        if score >= threshold:
            what = "与本单位上期报告" if code == "repeated" else f"与{label}"
            found.append(FlagFinding(code, key, f"{what}高度相似（相似度 {score:.0%}，阈值 {threshold:.0%}）",
                                     {"similarity": round(score, 3), "threshold": threshold, "other": label}))
    return found


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal | None:
    """``value`` in ``to_unit``; None when the units cannot be compared."""
    a, b = (from_unit or "").strip(), (to_unit or "").strip()
    if a == b or not a:
        return value
    if a in UNIT_FACTORS and b in UNIT_FACTORS:
        return value * UNIT_FACTORS[a] / UNIT_FACTORS[b]
    return None


def figures_in(text: str, figures: list, indicators: list[tuple[int, str, str]]) -> list[tuple[int, str, Decimal, str]]:
    """(indicator id, name, value, unit) claimed in 数据 rows (name matched to an indicator name either way round)
    and in the narrative as “<indicator name> … number unit” within a short span (a bare number in prose is not
    read: without its unit it cannot be compared)."""
    claims = []
    for row in figures or []:
        name, value = str(row.get("name", "")).strip(), _decimal(row.get("value", ""))
        if not name or value is None:
            continue
        for ind_id, ind_name, _unit in indicators:
            if name == ind_name or ind_name in name or (len(name) >= 4 and name in ind_name):
                claims.append((ind_id, ind_name, value, str(row.get("unit", ""))))
                break
    for ind_id, ind_name, _unit in indicators:
        for m in re.finditer(re.escape(ind_name) + r"[^0-9。；;]{0,12}?" + NUMBER + r"\s*(亿元|万元|元|%|个|家|人次|万人次)",
                             text or ""):
            claims.append((ind_id, ind_name, Decimal(m[1]), m[2] or ""))
    return claims


def check_contradicts(claims: list[tuple[int, str, Decimal, str]], official: dict[int, list[tuple[Decimal, str, str]]],
                      tolerance_pct: Decimal) -> list[FlagFinding]:
    """``official``: indicator id → [(value, unit, description)] for the period and area (any vintage, cumulative or
    not): a claim agreeing with any of them within the tolerance is not flagged."""
    found, seen = [], set()
    for ind_id, name, value, unit in claims:
        candidates = official.get(ind_id) or []
        compared = []
        for off_value, off_unit, label in candidates:
            mine = convert(value, unit, off_unit)
            if mine is None or off_value is None:
                continue
            compared.append((off_value, off_unit, label, mine))
        if not compared:
            continue
        def off_by(c):
            return abs(c[3] - c[0]) / abs(c[0]) * 100 if c[0] else (Decimal(0) if c[3] == 0 else Decimal(100))
        if any(off_by(c) <= tolerance_pct for c in compared) or (ind_id, value) in seen:
            continue
        seen.add((ind_id, value))
        off_value, off_unit, label, mine = compared[0]
        found.append(FlagFinding(
            "contradicts", f"indicator-{ind_id}",
            f"报告中“{name}”为 {value}{unit}，官方统计（{label}）为 {off_value.normalize():f}{off_unit}，"
            f"相差 {off_by(compared[0]):.1f}%（容差 {tolerance_pct}%）",
            {"indicator": ind_id, "reported": str(value), "reported_unit": unit, "official": str(off_value),
             "official_unit": off_unit, "source": label}))
    return found


# ---------------------------------------------------------------- with the database

def rule_value(on: dt.date) -> dict:
    """Thresholds in force on ``on``, completed by the defaults (declared in evaluation/rules.py)."""
    from iccity.core.rules import rule_value as declared_value

    return declared_value(QUALITY_RULE, on)


def place_names() -> list[str]:
    """Towns and streets of the registry (full and short names) and places (商圈, malls…), when that app is in."""
    from django.apps import apps

    from iccity.orgs.models import Unit, UnitType

    names = set()
    for name in Unit.objects.filter(unit_type__in=[UnitType.TOWN, UnitType.SUBDISTRICT]).values_list("name", flat=True):
        plain = re.sub(r"(人民政府|政府|办事处)$", "", name)      # 杨柳青镇政府 → 杨柳青镇
        short = re.sub(r"(镇|街道|街)$", "", plain)                # → 杨柳青
        names.update(n for n in (name, plain, short) if len(n) >= 2)
    try:
        place = apps.get_model("places", "Place")
        names.update(place.objects.values_list("name", flat=True))
    except LookupError:
        pass
    return sorted(n for n in names if len(n) >= 2)


def _latest_submitted(report_ids, before: dt.datetime | None = None) -> dict[int, object]:
    from iccity.delivery.models import ReportRevision

    qs = ReportRevision.objects.filter(report_id__in=report_ids, submitted_at__isnull=False)
    if before is not None:
        qs = qs.filter(submitted_at__lte=before)
    latest = {}
    for rev in qs.select_related("report__unit").order_by("report_id", "number"):
        latest[rev.report_id] = rev
    return latest


def _official(report, indicator_ids) -> dict[int, list[tuple[Decimal, str, str]]]:
    from iccity.indicators.models import Observation
    from iccity.orgs.models import UnitType

    cycle = report.cycle
    if cycle.cadence == "quarterly":
        key = f"{cycle.period_start.year}Q{(cycle.period_start.month - 1) // 3 + 1}"
    else:
        key = f"{cycle.period_start:%Y-%m}"
    obs = Observation.objects.filter(indicator_id__in=indicator_ids, period=key, value__isnull=False)
    if report.unit.unit_type in (UnitType.TOWN, UnitType.SUBDISTRICT):
        obs = obs.filter(breakdown_kind="town", breakdown_value=report.unit.name)
    else:
        obs = obs.filter(area="西青区", breakdown_kind="")
    official: dict[int, list] = {}
    for o in obs.select_related("indicator", "release").order_by("release__published_on"):
        label = f"{o.release.title} {o.period}{'（累计）' if o.is_cumulative else ''}"
        official.setdefault(o.indicator_id, []).append((o.value, o.indicator.unit, label))
    return official


def check_revision(revision) -> list[FlagFinding]:
    """All findings for a revision (reads the database; writes nothing)."""
    from iccity.delivery.models import Report
    from iccity.indicators.models import Indicator

    from django.utils import timezone

    report = Report.objects.select_related("cycle", "unit", "task").get(pk=revision.report_id)
    when = revision.submitted_at or timezone.now()
    value = rule_value(timezone.localdate(when))
    text = revision.narrative or ""
    k = int(value["shingle_size"])
    min_chars = int(value["min_compare_chars"])
    findings: list[FlagFinding] = []
    if (found := check_empty(text, value)) or (found := check_no_facts(text, revision.figures, place_names())):
        findings.append(found)

    previous = (Report.objects.filter(task_id=report.task_id, unit_id=report.unit_id, cycle__plan_id=report.cycle.plan_id,
                                      cycle__period_start__lt=report.cycle.period_start)
                .order_by("-cycle__period_start").select_related("cycle").first())
    if previous is not None and (prev := _latest_submitted([previous.pk]).get(previous.pk)):
        findings += check_similar("repeated", text, [(f"report-{previous.pk}", previous.cycle.label, prev.narrative)],
                                  float(value["repeat_threshold"]), k, min_chars)

    peers = Report.objects.filter(cycle_id=report.cycle_id).exclude(unit_id=report.unit_id)
    if report.is_lead:
        peers = peers.exclude(task_id=report.task_id)  # the lead consolidates its co-units' reports on this task
    others = _latest_submitted(list(peers.values_list("pk", flat=True)), before=when)
    findings += check_similar("copied", text,
                              [(f"report-{rid}", f"{rev.report.unit.name}的报告", rev.narrative) for rid, rev in others.items()],
                              float(value["copy_threshold"]), k, min_chars)

    indicators = list(Indicator.objects.values_list("pk", "name", "unit"))
    claims = figures_in(text, revision.figures, indicators)
    if claims:
        official = _official(report, {c[0] for c in claims})
        findings += check_contradicts(claims, official, Decimal(str(value["contradiction_tolerance_pct"])))
    return findings


def do_check_pending(since: dt.datetime | dt.date | None = None) -> int:
    """Thin re-export of ``actions.quality.do_check_pending`` for the nightly job."""
    from .actions.quality import do_check_pending as run

    return run(since)
