import datetime as dt
import io

import pytest

from iccity.core import clock
from iccity.core.models import AuditEvent

from .. import demo_data
from ..models import Response, Wave

pytestmark = pytest.mark.django_db


def test_demo_waves_are_marked_frozen_when_closed_and_removed_by_reset():
    out = io.StringIO()
    with clock.travel(dt.date(2026, 11, 20)):
        demo_data.generate(out, 3, 1)
        waves = list(Wave.objects.order_by("opens_on"))
        assert len(waves) == 2 and all(w.is_demo for w in waves)
        assert waves[0].frozen_results and not waves[1].frozen_results  # Q3 closed, Q4 still running
        assert not Response.objects.filter(is_demo=False).exists()
        assert not AuditEvent.objects.filter(action__startswith="surveys.", is_demo=False).exists()
        demo_data.reset(out)
    assert not Wave.objects.exists() and not Response.objects.exists()
    assert not AuditEvent.objects.filter(is_demo=True).exists()
