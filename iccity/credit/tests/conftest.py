from __future__ import annotations

import datetime as dt

import pytest

from iccity.core.validation import uscc_check_char
from iccity.core import clock
from iccity.core.rules import do_ensure_declared_rules

from ..actions import do_register_entry, do_register_merchant

TODAY = dt.date(2026, 6, 10)
VALID_USCC = "91350100M000100Y43"  # a widely published example with a correct check character


def tianjin_uscc(serial: str) -> str:
    first17 = f"91120111{serial:0>9}"[:17]
    return first17 + uscc_check_char(first17)


@pytest.fixture
def rules(db):
    do_ensure_declared_rules(prefix="credit.")


@pytest.fixture
def today(rules):
    with clock.travel(TODAY):
        yield TODAY


@pytest.fixture
def company(today):
    return do_register_merchant("天津市西青区示范商贸有限公司", uscc=tianjin_uscc("MA05X1234"))


def penalty(merchant, number: str, day: dt.date, severity: str = "general", **kw):
    fields = dict(list_kind="penalty", severity=severity, decision_number=number, decision_date=day,
                  authority="天津市西青区市场监督管理局", legal_basis="《中华人民共和国价格法》第四十二条",
                  violation_type="不明码标价", penalty="罚款")
    fields.update(kw)
    return do_register_entry(merchant, **fields)
