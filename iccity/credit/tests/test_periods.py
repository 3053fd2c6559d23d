"""Publication and repair periods from the versioned rule table, across a rule change."""
import datetime as dt

import pytest

from iccity.core import clock
from iccity.core.actions import ActionRefused, do_ensure_rules

from ..rules import NDRC_VALUE, PUBLICATION, add_months
from .conftest import penalty

pytestmark = pytest.mark.django_db


def test_month_arithmetic_clamps_to_the_last_day_of_the_month():
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 5, 31), 12) == dt.date(2027, 5, 31)


def test_general_and_serious_penalties_follow_the_ndrc_classes(company):
    general = penalty(company, "津西市监罚〔2026〕1号", dt.date(2026, 5, 31))
    assert (general.rule_version, general.published) == (1, True)
    assert (general.repair_from, general.publish_until) == (dt.date(2026, 8, 31), dt.date(2027, 5, 31))
    serious = penalty(company, "津西市监罚〔2026〕2号", dt.date(2026, 4, 1), severity="serious")
    assert (serious.repair_from, serious.publish_until) == (dt.date(2027, 4, 1), dt.date(2029, 4, 1))
    minor = penalty(company, "津西市监罚〔2026〕3号", dt.date(2026, 5, 1), severity="minor")
    assert minor.published is False and minor.status() == "not_published"


def test_serious_violation_list_allows_early_removal_after_one_year(company):
    from ..actions import do_register_entry

    entry = do_register_entry(company, list_kind="serious_violation", decision_number="津西市监列严〔2026〕1号",
                              decision_date=dt.date(2026, 6, 1), authority="天津市西青区市场监督管理局",
                              legal_basis="《市场监督管理严重违法失信名单管理办法》（总局令第44号）",
                              violation_type="食品安全领域严重违法")
    assert entry.repair_from == dt.date(2027, 6, 1) and entry.publish_until == dt.date(2029, 6, 1)


def test_decisions_before_the_current_rules_are_refused_with_a_clear_message(company):
    with pytest.raises(ActionRefused, match="没有生效的公示期限规则"):
        penalty(company, "津西市监罚〔2026〕0号", dt.date(2026, 3, 31))


def test_future_decisions_and_missing_basis_are_refused(company):
    with pytest.raises(ActionRefused, match="不能晚于今天"):
        penalty(company, "X1", dt.date(2026, 6, 11))
    with pytest.raises(ActionRefused, match="依据"):
        penalty(company, "X2", dt.date(2026, 6, 1), legal_basis=" ")


def test_a_rule_change_applies_from_its_effective_date_and_never_moves_stored_entries(company):
    before = penalty(company, "津西市监罚〔2026〕10号", dt.date(2026, 6, 1))
    value = {**NDRC_VALUE, "penalty": {**NDRC_VALUE["penalty"],
                                       "general": {"published": True, "repair_after_months": 6, "max_months": 24}}}
    do_ensure_rules([{"key": PUBLICATION, "version": 2, "title": "测试：修订后的期限", "value": value,
                      "effective_from": dt.date(2027, 1, 1), "source": "测试用假设修订"}])
    with clock.travel(dt.date(2027, 1, 5)):
        last_old = penalty(company, "津西市监罚〔2026〕99号", dt.date(2026, 12, 31))
        first_new = penalty(company, "津西市监罚〔2027〕1号", dt.date(2027, 1, 1))
    assert (last_old.rule_version, last_old.publish_until) == (1, dt.date(2027, 12, 31))
    assert (first_new.rule_version, first_new.repair_from, first_new.publish_until) == (
        2, dt.date(2027, 7, 1), dt.date(2029, 1, 1))
    before.refresh_from_db()
    assert (before.rule_version, before.publish_until) == (1, dt.date(2027, 6, 1))


def test_incentive_list_needs_the_period_of_its_own_decision(company):
    from ..actions import do_register_entry

    fields = dict(list_kind="incentive", decision_number="西青诚信〔2026〕1号", decision_date=dt.date(2026, 5, 1),
                  authority="天津市西青区商务局", legal_basis="区级诚信经营示范店认定办法（地方激励名单）",
                  violation_type="诚信经营示范店")
    with pytest.raises(ActionRefused, match="有效期"):
        do_register_entry(company, **fields)
    entry = do_register_entry(company, valid_until=dt.date(2027, 4, 30), **fields)
    assert entry.publish_until == dt.date(2027, 4, 30) and entry.repair_from is None


def test_fines_typed_in_yuan_are_stored_in_wan_yuan_exactly(company):
    entry = penalty(company, "津西市监罚〔2026〕20号", dt.date(2026, 6, 1), fine_yuan="12,345.67")
    assert str(entry.fine_wan.normalize()) == "1.234567"
    with pytest.raises(ActionRefused, match="罚款金额"):
        penalty(company, "津西市监罚〔2026〕21号", dt.date(2026, 6, 1), fine_yuan=1.5)
