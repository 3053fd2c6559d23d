"""State changes of the surveys app: each a do_* function, one transaction, with an audit record."""
from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from iccity.core import clock, policy
from iccity.core.actions import ActionRefused, record_audit

from . import stuffing
from .models import Answer, Response, Survey, SurveyArea, SurveyDimension, SurveyItem, Wave

INDICATOR_CODE = "local_satisfaction_index"  # quarterly, by 商圈; never mixed with the 中消协 series


class CapReached(ActionRefused):
    """The per-address cap of a wave is reached (the page answers 429)."""


def device_hash(wave: Wave, token: str) -> str:
    return hashlib.sha256(f"iccity.surveys:{wave.pk}:{token}".encode()).hexdigest()


def _weights_sum_to_one(weights, what: str) -> None:
    if abs(sum(Decimal(str(w)) for w in weights) - 1) > Decimal("0.001"):
        raise ActionRefused(f"{what}权重之和应为1")


@transaction.atomic
def do_ensure_survey(definition: dict, *, actor=None, note: str = "") -> tuple[Survey, bool]:
    """Create a questionnaire version from ``definition`` (code, version, title, source, method_note, dimensions:
    [{code, name, weight, items: [{code, indicator, text, weight}]}]) unless it exists: a stored version is never
    edited (answers refer to it); a changed questionnaire is a new version."""
    policy.check_actor(actor, "surveys.manage_surveys")
    existing = Survey.objects.filter(code=definition["code"], version=definition.get("version", 1)).first()
    if existing:
        return existing, False
    dims = definition["dimensions"]
    _weights_sum_to_one([d["weight"] for d in dims], "一级指标")
    for d in dims:
        _weights_sum_to_one([i["weight"] for i in d["items"]], f"“{d['name']}”下题目")
    survey = Survey.objects.create(code=definition["code"], version=definition.get("version", 1),
                                   title=definition["title"], source=definition["source"],
                                   scale_max=definition.get("scale_max", 10),
                                   method_note=definition.get("method_note", ""))
    for position, d in enumerate(dims, start=1):
        dim = SurveyDimension.objects.create(survey=survey, code=d["code"], name=d["name"],
                                             weight=Decimal(str(d["weight"])), position=position)
        SurveyItem.objects.bulk_create([
            SurveyItem(dimension=dim, code=i["code"], indicator=i["indicator"], text=i["text"],
                       weight=Decimal(str(i["weight"])), position=n) for n, i in enumerate(d["items"], start=1)])
    record_audit(actor, "surveys.survey.created", survey, after={"code": survey.code, "version": survey.version},
                 note=note)
    return survey, True


@transaction.atomic
def do_ensure_area(code: str, name: str, *, actor=None, position: int = 0, place=None) -> SurveyArea:
    policy.check_actor(actor, "surveys.manage_surveys")
    area, created = SurveyArea.objects.get_or_create(code=code, defaults={"name": name, "position": position,
                                                                          "place": place})
    if created:
        record_audit(actor, "surveys.area.created", area, after={"code": code, "name": name,
                                                                  "place": place.pk if place else None})
    return area


@transaction.atomic
def do_ensure_areas_from_places(*, actor=None) -> list[SurveyArea]:
    """One survey area per published 商圈 in ``places`` that has none yet (safe to run again; never renames)."""
    policy.check_actor(actor, "surveys.manage_surveys")
    from iccity.places.models import Place, PlaceKind

    created = []
    districts = Place.objects.filter(kind=PlaceKind.DISTRICT, is_published=True, survey_area__isnull=True)
    for place in districts.order_by("pk"):
        code = f"place-{place.pk}"
        if SurveyArea.objects.filter(code=code).exists():
            continue
        created.append(do_ensure_area(code, place.name, actor=actor, position=100 + place.pk, place=place))
    return created


def _decimal(value, label: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ActionRefused(f"{label}不是数字：{value}") from None
    if not low < number < high:
        raise ActionRefused(f"{label}应在{low}与{high}之间")
    return number


@transaction.atomic
def do_create_wave(*, code: str, title: str, survey: Survey, areas, opens_on, closes_on, actor=None,
                   margin_of_error="0.05", confidence="0.95", design_effect="1.4", expected_proportion="0.5",
                   parameters_source: str = "") -> Wave:
    policy.check_actor(actor, "surveys.manage_surveys", survey)
    if closes_on < opens_on:
        raise ActionRefused("结束日期不能早于开始日期")
    if Wave.objects.filter(code=code).exists():
        raise ActionRefused(f"轮次代码“{code}”已存在")
    areas = list(areas)
    if not areas:
        raise ActionRefused("请至少选择一个商圈")
    deff = Decimal(str(design_effect))
    if deff < 1:
        raise ActionRefused("设计效应不应小于1")
    wave = Wave.objects.create(
        code=code, title=title, survey=survey, opens_on=opens_on, closes_on=closes_on,
        margin_of_error=_decimal(margin_of_error, "允许误差", Decimal(0), Decimal(1)),
        confidence=_decimal(confidence, "置信水平", Decimal(0), Decimal(1)), design_effect=deff,
        expected_proportion=_decimal(expected_proportion, "预期比例", Decimal(0), Decimal(1)),
        parameters_source=parameters_source or "domain-public-services.md §3：误差5%、设计效应1.4（中消协城市测评）")
    wave.areas.set(areas)
    plan = wave.sample_plan()
    record_audit(actor, "surveys.wave.created", wave, after={
        "code": code, "areas": [a.code for a in areas], "target_per_area": plan.n,
        "opens_on": str(opens_on), "closes_on": str(closes_on)})
    return wave


def do_submit_response(wave: Wave, area: SurveyArea, answers: dict, *, device_token: str, actor=None,
                       client_ip: str = "", seconds_taken: float | None = None) -> Response:
    """Store one response. ``answers`` = {item_id: score or None (不清楚)}; every item must be present.

    ``client_ip`` and ``seconds_taken`` (from the public page) feed the anti-stuffing checks (``stuffing.py``): over
    the per-address cap the response is refused; with an anomaly flag it is stored but held out of the index until
    an office reviewer accepts it."""
    # Public: anybody may answer an open wave (no right to check); the anti-stuffing rules below are the limits.
    if not wave.is_open():
        raise ActionRefused(f"本轮测评{wave.status_label()}，不能提交")
    if not wave.areas.filter(pk=area.pk).exists():
        raise ActionRefused("本轮测评不包括该商圈")
    if not device_token or len(device_token) < 16:
        raise ActionRefused("无法识别设备，请允许本网站的Cookie后重新打开问卷")
    items = {i.pk: i for i in SurveyItem.objects.filter(dimension__survey=wave.survey_id)}
    missing = [items[i].indicator for i in items if i not in answers]
    if missing:
        raise ActionRefused("请回答所有题目（不了解可选“不清楚”）：" + "、".join(missing))
    scale = wave.survey.scale_max
    for item_id, score in answers.items():
        if item_id not in items:
            raise ActionRefused("问卷题目已变化，请刷新页面后重新填写")
        if score is not None and not (isinstance(score, int) and 1 <= score <= scale):
            raise ActionRefused(f"评分应为1至{scale}的整数")
    digest = device_hash(wave, device_token)
    now = clock.now()
    address_key, subnet_key = stuffing.client_keys(wave.pk, client_ip) if client_ip else ("", "")
    pattern = stuffing.answer_pattern(answers)
    try:
        with transaction.atomic():
            # one submission per wave at a time, so the cap and burst counts cannot be raced past
            Wave.objects.select_for_update().filter(pk=wave.pk).first()
            flags = []
            if address_key:
                rule = stuffing.params(now.date())
                cap = rule["per_address_cap"]
                if Response.objects.filter(wave=wave, address_key=address_key).count() >= cap:
                    raise CapReached(f"同一网络地址在本轮测评中提交的答卷已达上限（{cap}份），感谢您的参与")
                flags = stuffing.flags_for(wave, address_key=address_key, subnet_key=subnet_key, pattern=pattern,
                                           seconds=seconds_taken, items=len(items), now=now, rule=rule)
            response = Response.objects.create(
                wave=wave, area=area, device_hash=digest, submitted_at=now, address_key=address_key,
                subnet_key=subnet_key, pattern=pattern, flags=flags, held=bool(flags),
                seconds_taken=None if seconds_taken is None else max(int(seconds_taken), 0))
            Answer.objects.bulk_create([Answer(response=response, item_id=i, score=s) for i, s in answers.items()])
            record_audit(actor, "surveys.response.submitted", response,
                         after={"wave": wave.code, "area": area.code, "answers": len(answers), "flags": flags})
    except IntegrityError:
        raise ActionRefused("本设备已参加过本轮测评，感谢您的支持") from None
    return response


@transaction.atomic
def do_freeze_wave(wave: Wave, *, actor=None) -> Wave:
    """Freeze a closed wave's results, so later edits to weights or areas cannot change a published score."""
    policy.check_actor(actor, "surveys.manage_surveys", wave)
    from .results import compute

    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status() != "closed":
        raise ActionRefused("轮次结束后才能冻结结果")
    if wave.frozen_results:
        raise ActionRefused("本轮结果已冻结")
    pending = Response.objects.filter(wave=wave).awaiting_review().count()
    if pending:
        raise ActionRefused(f"本轮尚有{pending}份异常答卷待审核，请先在“答卷”中审核，再冻结结果")
    wave.frozen_results = compute(wave)
    wave.frozen_at = clock.now()
    wave.save(update_fields=["frozen_results", "frozen_at"])
    # the address hashes served only to judge this wave's submissions: minimum retention (PIPL Art. 19)
    Response.objects.filter(wave=wave).exclude(address_key="", subnet_key="").update(address_key="", subnet_key="")
    record_audit(actor, "surveys.wave.frozen", wave, after={"overall": wave.frozen_results["overall"]["index"],
                                                            "responses": wave.frozen_results["overall"]["responses"]})
    return wave


def indicator_rows(wave: Wave) -> list[dict]:
    """Observation rows for the catalogue's quarterly 区内消费者满意度监测指数 (the quarter the wave closes in):
    overall, plus one row per 商圈 when the catalogue allows a ``district`` breakdown. The note carries n, margin and deff, as the reference asks for every score."""
    from iccity.indicators.models import Indicator

    results = wave.frozen_results
    indicator = Indicator.objects.filter(code=INDICATOR_CODE).first()
    if indicator is None:
        raise ActionRefused(f"指标目录中没有“{INDICATOR_CODE}”（区内消费者满意度监测指数），请先加载指标目录")
    period = f"{wave.closes_on.year}Q{(wave.closes_on.month - 1) // 3 + 1}"
    deff = results["parameters"]["design_effect"]

    def note(block: dict) -> str:
        margin = "—" if block["margin"] is None else f"±{block['margin']}"
        warn = "；样本不足目标" if block["below_target"] else ""
        return f"区内满意度测评“{wave.title}”：n={block['n']}，95%误差{margin}，deff={deff}{warn}"

    rows = []
    if results["overall"]["index"] is not None:
        rows.append({"code": INDICATOR_CODE, "period": period, "value": str(results["overall"]["index"]),
                     "note": note(results["overall"])})
    if "district" in (indicator.breakdowns or []):
        for area in results["areas"]:
            if area["index"] is not None:
                rows.append({"code": INDICATOR_CODE, "period": period, "value": str(area["index"]),
                             "breakdown_kind": "district", "breakdown_value": area["name"], "note": note(area)})
    return rows


def do_publish_to_indicators(wave: Wave, *, actor=None):
    """Push the frozen indices into the indicators module (its own checks, and its own right: importing indicator
    data; all rows or none)."""
    policy.check_actor(actor, "surveys.manage_surveys", wave)
    from iccity.indicators.actions.observations import do_push_observations

    wave = Wave.objects.get(pk=wave.pk)  # the stored freeze, not a caller's stale copy
    if not wave.frozen_results:
        raise ActionRefused("请先冻结本轮结果，再发布到指标")
    rows = indicator_rows(wave)
    if not rows:
        raise ActionRefused("本轮没有有效答卷，无可发布的指数")
    release = {"title": f"消费者满意度测评（{wave.title}）", "publisher": "iccity 满意度测评模块",
               "published_on": clock.today().isoformat(), "status": "final",
               "note": f"问卷{wave.survey}；{wave.frozen_results['method']}"}
    outcome = do_push_observations(rows, release_fields=release, actor=actor, source_label="surveys")
    if not outcome.ok:
        raise ActionRefused("指标模块未接收：" + "；".join(e.message for e in outcome.report.errors))
    return outcome



REVIEW_DECISIONS = {"accepted": "通过，计入指数", "rejected": "不通过，不计入指数"}


@transaction.atomic
def do_review_response(response: Response, decision: str, *, actor, note: str = "") -> Response:
    """An office reviewer's decision on a flagged response: accepted ones enter the index, rejected ones stay out."""
    policy.check_actor(actor, "surveys.review_responses", response)
    if decision not in REVIEW_DECISIONS:
        raise ActionRefused("审核结论只能是“通过”或“不通过”")
    response = Response.objects.select_for_update().select_related("wave").get(pk=response.pk)
    if not response.held:
        raise ActionRefused("该答卷没有异常标记，无需审核")
    if response.wave.frozen_results:
        raise ActionRefused("本轮结果已冻结，不能再改变答卷审核结论")
    before = {"review": response.review}
    response.review, response.reviewed_by, response.reviewed_at = decision, actor, clock.now()
    response.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    record_audit(actor, f"surveys.response.{decision}", response, before=before,
                 after={"review": decision, "flags": response.flags}, note=note)
    return response
