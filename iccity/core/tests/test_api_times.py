"""API answers write times in Beijing time (+08:00), like every page and document."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone


def test_api_datetimes_are_written_in_beijing_time(client, xiqing_plan, office_admin):
    client.force_login(office_admin)
    text = client.get(f"/api/plans/{xiqing_plan.plan.slug}").content.decode()
    moment = xiqing_plan.imported_at
    beijing = timezone.localtime(moment, dt.timezone(dt.timedelta(hours=8))).isoformat()
    utc = moment.astimezone(dt.UTC).isoformat().replace("+00:00", "")
    assert beijing.endswith("+08:00") and beijing[:19] in text and "+08:00" in text
    assert utc[:19] not in text  # the database keeps UTC; the answer does not show it
