"""Demo survey waves (示例): marked areas, one wave per quarter over the last ``months`` months, each with random
responses through the real action (so every row and audit event is marked is_demo). No number here is real."""
from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import transaction

from iccity.core import clock, demo
from iccity.core.models import AuditEvent

from .actions import do_create_wave, do_ensure_area, do_freeze_wave, do_submit_response
from .initial_data import default_definition
from .models import Answer, Response, Survey, SurveyArea, Wave

AREAS = [("demo-nanzhan", "天津南站商圈（示例）"), ("demo-zhongbei", "中北商圈（示例）"),
         ("demo-yangliuqing", "杨柳青大运河商圈（示例）"), ("demo-meijiang", "梅江会展商圈（示例）")]
RESPONSES_PER_AREA = 40  # far below the 538 target on purpose: the pages must show the warning


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def generate(stdout, months: int = 18, seed: int = 1) -> None:
    from .actions import do_ensure_survey

    rng = random.Random(seed)
    today = clock.today()
    with demo.marking():
        survey, _ = do_ensure_survey(default_definition(), note="默认问卷")
        areas = [do_ensure_area(code, name, position=i) for i, (code, name) in enumerate(AREAS)]
        start = _quarter_start(today - dt.timedelta(days=30 * months))
        created = 0
        while start <= today:
            end = (_quarter_start(start + dt.timedelta(days=100)) - dt.timedelta(days=1))
            code = f"demo-{start:%Y}q{(start.month - 1) // 3 + 1}"
            if not Wave.objects.filter(code=code).exists():
                with transaction.atomic():
                    wave = do_create_wave(code=code, title=f"{start.year}年第{(start.month - 1) // 3 + 1}季度（示例）",
                                          survey=survey, areas=areas, opens_on=start, closes_on=end)
                    _fill(wave, areas, rng, min(end, today))
                    if end < today:
                        with clock.travel(end + dt.timedelta(days=1)):
                            do_freeze_wave(wave)
                created += 1
            start = end + dt.timedelta(days=1)
    stdout.write(f"满意度测评示例：{created} 个轮次\n")


def _fill(wave: Wave, areas, rng: random.Random, last_day: dt.date) -> None:
    items = list(wave.survey.dimensions.values_list("items__pk", flat=True))
    span = max((last_day - wave.opens_on).days, 0)
    for n, area in enumerate(areas):
        mood = 6.0 + n * 0.6 + rng.uniform(-0.5, 0.5)
        for _ in range(RESPONSES_PER_AREA):
            answers = {i: (None if rng.random() < 0.06 else max(1, min(10, round(rng.gauss(mood, 1.8)))))
                       for i in items}
            with clock.travel(wave.opens_on + dt.timedelta(days=rng.randint(0, span))):
                do_submit_response(wave, area, answers, device_token=secrets.token_urlsafe(24))


@transaction.atomic
def reset(stdout) -> None:
    answers = Answer.objects.filter(response__is_demo=True).delete()[0]
    Response.objects.filter(is_demo=True).delete()
    Wave.objects.filter(is_demo=True).delete()
    SurveyArea.objects.filter(is_demo=True, responses__isnull=True).delete()
    Survey.objects.filter(is_demo=True, waves__isnull=True).delete()
    AuditEvent.objects.filter(is_demo=True, action__startswith="surveys.").delete()
    stdout.write(f"满意度测评示例已删除（答案{answers}条）\n")
