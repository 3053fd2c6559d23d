"""The public disclosure page and API show only what the rules allow, only while the period runs, and never a
person's data. Every hidden case is checked on the page, in the API and in the row builder."""
import datetime as dt
import json

import pytest

from iccity.core import clock

from ..actions import (do_decide_repair, do_record_commitment, do_register_merchant, do_revoke_entry,
                       do_start_repair_review, do_submit_repair)
from ..disclosure import PUBLIC_FIELDS, public_rows
from .conftest import penalty, tianjin_uscc

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER = "13812345678", "120111199001011234"


def api_text(client, query: str = "") -> str:
    return json.dumps(client.get("/api/credit/disclosures" + query).json(), ensure_ascii=False, default=str)


def seen(client, text: str) -> bool:
    page = client.get("/credit/").content.decode()
    api = api_text(client)
    assert (text in page) == (text in api), "page and API must agree"
    return text in page


def test_shown_from_the_decision_date_through_the_last_day_then_hidden(client, company):
    entry = penalty(company, "津西市监罚〔2026〕1号", dt.date(2026, 6, 1))
    assert seen(client, entry.decision_number)
    with clock.travel(dt.date(2026, 5, 31)):  # not yet started
        assert not seen(client, entry.decision_number)
    with clock.travel(entry.publish_until):
        assert seen(client, entry.decision_number)
    with clock.travel(entry.publish_until + dt.timedelta(days=1)):  # expired
        assert not seen(client, entry.decision_number)
        assert public_rows() == []


def test_minor_penalties_are_not_published(client, company):
    penalty(company, "津西市监罚〔2026〕2号", dt.date(2026, 6, 1), severity="minor")
    assert not seen(client, "津西市监罚〔2026〕2号")


def test_revoked_decisions_disappear_at_once(client, company, office_admin):
    entry = penalty(company, "津西市监罚〔2026〕3号", dt.date(2026, 6, 1))
    do_revoke_entry(entry, reason="行政复议决定撤销", actor=office_admin)
    assert not seen(client, entry.decision_number)


def test_repair_removes_the_entry_and_a_rejection_keeps_it(client, company, office_admin):
    removed = penalty(company, "津西市监罚〔2026〕4号", dt.date(2026, 4, 1))  # repair from 2026-07-01
    kept = penalty(company, "津西市监罚〔2026〕5号", dt.date(2026, 4, 2))
    commitment = do_record_commitment(company, kind="repair", text="依法诚信经营", signed_on=dt.date(2026, 6, 1))
    with clock.travel(dt.date(2026, 7, 2)):
        for entry, approve in ((removed, True), (kept, False)):
            request = do_submit_repair(entry, commitment=commitment, obligations_met=True)
            request = do_start_repair_review(request, actor=office_admin)
            do_decide_repair(request, approve=approve, reason="审核意见", actor=office_admin)
        assert not seen(client, removed.decision_number)
        assert seen(client, kept.decision_number)


def test_an_individual_business_never_shows_its_operator(client, today):
    shop = do_register_merchant("西青区张三丰烧烤店", kind="individual_business", operator_name="张三丰",
                                uscc=tianjin_uscc("MA0ABCDE1"))
    penalty(shop, "津西市监罚〔2026〕6号", dt.date(2026, 6, 1),
            facts=f"经营者张三丰（身份证号{ID_NUMBER}，电话{PHONE}）未明码标价")
    page = client.get("/credit/").content.decode()
    api = api_text(client)
    for text in (page, api):
        assert "张三丰" not in text and PHONE not in text and ID_NUMBER not in text
        assert "西青区张**烧烤店" in text
    assert client.get("/credit/?q=张三丰").content.decode().count("津西市监罚〔2026〕6号") == 0
    for query in ("张三丰", "三丰烧烤", "张三"):  # a search must not confirm the masked characters
        assert client.get(f"/api/credit/disclosures?q={query}").json()["count"] == 0
    assert client.get(f"/api/credit/disclosures?q={shop.uscc}").json()["count"] == 1


def test_rows_carry_only_the_public_fields(company):
    penalty(company, "津西市监罚〔2026〕7号", dt.date(2026, 6, 1), fine_yuan="5000")
    (row,) = public_rows()
    assert set(row) == set(PUBLIC_FIELDS)
    assert row["fine_wan"] == "0.5" and row["publish_until"] == dt.date(2027, 6, 1)
