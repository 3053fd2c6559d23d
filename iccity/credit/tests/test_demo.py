import datetime as dt
import io

import pytest

from iccity.core import clock
from iccity.core.models import AuditEvent

from .. import demo_data
from ..models import ListEntry, Merchant, RepairRequest

pytestmark = pytest.mark.django_db


def test_demo_credit_data_is_marked_and_removed_by_reset(rules):
    out = io.StringIO()
    with clock.travel(dt.date(2026, 11, 20)):
        demo_data.generate(out, 18, 1)
        assert Merchant.objects.filter(is_demo=True).count() == 14
        assert Merchant.objects.filter(uscc_check="bad_check").count() == 1
        assert not ListEntry.objects.filter(is_demo=False).exists()
        assert RepairRequest.objects.filter(state="approved", is_demo=True).count() == 1
        demo_data.reset(out)
    assert not Merchant.objects.exists() and not ListEntry.objects.exists()
    assert not AuditEvent.objects.filter(is_demo=True).exists()  # nothing left that keeps the 示例 banner on


def test_demo_needs_the_bootstrapped_rules(db):
    out = io.StringIO()
    demo_data.generate(out, 18, 1)
    assert "iccity bootstrap" in out.getvalue() and not Merchant.objects.exists()
