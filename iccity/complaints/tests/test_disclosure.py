"""Disclosure metrics (公示): per business complaint count, growth against the previous period, mediation success
rate (agreement + on-the-spot over finished mediations); only complaints whose complainant consented; page + CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from iccity.complaints.actions import do_record_agreement, do_start_mediation, do_terminate_mediation, do_transition
from iccity.complaints.models import Case
from iccity.complaints.views import disclosure_rows

from .factories import NAME, PHONE, clear_cache, frozen_today, register, site  # noqa: F401

pytestmark = pytest.mark.django_db
SHOP = "天津市西青区好味道餐馆"


def _received(case, day: dt.date):
    Case.objects.filter(pk=case.pk).update(received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))))


def _mediate(case, actor, outcome: str):
    case = do_transition(case, "accepted", actor=actor)
    case = do_start_mediation(case, actor=actor)
    if outcome == "agreement":
        return do_record_agreement(case, actor=actor, terms="退款")
    if outcome == "on_spot":
        return do_record_agreement(case, actor=actor, terms="当场退款", on_spot=True)
    return do_terminate_mediation(case, "ART23_3", actor=actor)


@pytest.fixture
def history(site):
    """This period (Apr 12 – May 11): 3 consented complaints against the shop (agreement, on the spot, terminated)
    plus one without consent and a report; the previous period: 1 complaint."""
    for outcome in ("agreement", "on_spot", "terminated"):
        _mediate(register()[0], site.handler, outcome)
    register(consent_publish=None)                                   # no consent: never counted
    register(case_type="report", respondent_address="西青区中北镇2号")  # a report: not a complaint
    earlier = register()[0]
    _received(earlier, dt.date(2026, 3, 20))
    register(respondent_name="另一家店")


def test_metrics_per_business(site, history):
    rows = {r["name"]: r for r in disclosure_rows(dt.date(2026, 4, 12), dt.date(2026, 5, 11))}
    shop = rows[SHOP]
    assert shop["count"] == 3 and shop["previous"] == 1
    assert shop["growth"] == pytest.approx(2.0)
    assert shop["success_rate"] == pytest.approx(2 / 3) and shop["finished"] == 3
    assert rows["另一家店"]["count"] == 1 and rows["另一家店"]["success_rate"] is None


def test_the_public_page_and_csv(client, site, history):
    response = client.get("/complaints/disclosure/", {"start": "2026-04-12", "end": "2026-05-11"})
    html = response.content.decode()
    assert response.status_code == 200 and SHOP in html and "67%" in html and "200%" in html
    for secret in (PHONE, NAME):
        assert secret not in html
    response = client.get("/complaints/disclosure.csv", {"start": "2026-04-12", "end": "2026-05-11"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["经营者名称", "统一社会信用代码", "期间起", "期间止"]
    shop = next(r for r in rows if r[0] == SHOP)
    assert shop[4] == "3" and shop[6] == "200.0%" and shop[7] == "66.7%"


def test_no_consent_no_publication(client, site):
    register(consent_publish=None, respondent_name="不公开的店")
    assert "不公开的店" not in client.get("/complaints/disclosure/").content.decode()


def test_bad_period_falls_back_to_the_last_90_days(client, site):
    for params in ({"start": "yesterday"}, {"start": "2026-05-01", "end": "2026-01-01"}, {"end": "2026-02-30"}):
        response = client.get("/complaints/disclosure/", params)
        assert response.status_code == 200 and "已显示最近90天" in response.content.decode()


def test_formula_like_names_are_neutralised_in_csv(client, site):
    register(respondent_name="=HYPERLINK(\"http://x\")店")
    text = client.get("/complaints/disclosure.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
