"""Delivery's contribution to /metrics: how many notices wait to be sent, per state (see iccity.serving.registry)."""
from __future__ import annotations

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from iccity.serving.registry import metrics_collector


@metrics_collector
def notice_deliveries():
    from .models import NoticeDelivery

    gauge = GaugeMetricFamily(
        "iccity_notice_deliveries", "Notice deliveries by state (pending = waiting for `iccity delivery tick`)",
        labels=["state"],
    )
    counts = dict(NoticeDelivery.objects.values_list("state").annotate(n=Count("id")).order_by())
    for state in NoticeDelivery.State.values:
        gauge.add_metric([state], counts.get(state, 0))
    yield gauge
