import datetime as dt

import pytest

from iccity.core.models import Rule


@pytest.fixture
def rules(db):
    Rule.objects.create(key="ack-days", version=1, title="签收时限", value={"working_days": 3},
                        effective_from=dt.date(2024, 1, 1), effective_to=dt.date(2026, 4, 15), source="示例规则 v1")
    Rule.objects.create(key="ack-days", version=2, title="签收时限", value={"working_days": 2},
                        effective_from=dt.date(2026, 4, 15), source="示例规则 v2")


def test_rule_in_force_follows_effective_dates(rules):
    assert Rule.objects.in_force("ack-days", dt.date(2025, 6, 1)).value == {"working_days": 3}
    assert Rule.objects.in_force("ack-days", dt.date(2026, 4, 14)).version == 1
    assert Rule.objects.in_force("ack-days", dt.date(2026, 4, 15)).version == 2


def test_no_rule_before_the_first_version_is_a_clear_error(rules):
    with pytest.raises(Rule.DoesNotExist, match="2023-12-31 没有生效的版本"):
        Rule.objects.in_force("ack-days", dt.date(2023, 12, 31))
