"""Keeping stuffed answers out of a wave's index (the outside review posted 60 responses from one address by
clearing cookies between them).

A device cookie alone cannot stop that, so each response also carries, per wave, keyed hashes of the client address
and of its subnet (/24 for IPv4, /48 for IPv6): never the address itself, not linkable across waves, erased when
the wave is frozen. The limits are the ``surveys.anti_stuffing`` rule (a platform default for the office to
confirm):
- ``per_address_cap`` responses per address per wave, after which submissions are refused;
- flags that hold a response out of the published index until an office reviewer accepts it
  (``actions.do_review_response``): a burst from one address or one subnet within ``burst_window_minutes``,
  identical answers repeated from one subnet, and completion faster than ``min_seconds_per_item`` per item.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress

from django.conf import settings

from .rules import RULE_KEY

FLAG_LABELS = {
    "address_burst": "同一地址短时间内多次提交",
    "subnet_burst": "同一网段短时间内大量提交",
    "identical_pattern": "与同一网段的其他答卷作答完全相同",
    "too_fast": "作答用时过短",
}


def params(on: dt.date | None = None) -> dict:
    from iccity.core.rules import rule_value

    return dict(rule_value(RULE_KEY, on))


def _keyed(wave_id: int, kind: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"surveys:{wave_id}:{kind}:{value}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def client_keys(wave_id: int, ip: str) -> tuple[str, str]:
    """(address key, subnet key) for this wave; ('', '') when there is no usable address."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return "", ""
    prefix = 24 if address.version == 4 else 48
    subnet = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return _keyed(wave_id, "addr", str(address)), _keyed(wave_id, "net", str(subnet))


def answer_pattern(answers: dict) -> str:
    text = ";".join(f"{k}={'' if v is None else v}" for k, v in sorted(answers.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def flags_for(wave, *, address_key: str, subnet_key: str, pattern: str, seconds: float | None,
              items: int, now, rule: dict) -> list[str]:
    """Which anomaly flags a new response gets, judged against the wave's earlier responses (one query each)."""
    from .models import Response

    flags = []
    earlier = Response.objects.filter(wave=wave)
    since = now - dt.timedelta(minutes=rule["burst_window_minutes"])
    if address_key and earlier.filter(address_key=address_key, submitted_at__gte=since).count() + 1 \
            >= rule["burst_per_address"]:
        flags.append("address_burst")
    if subnet_key and earlier.filter(subnet_key=subnet_key, submitted_at__gte=since).count() + 1 \
            >= rule["burst_per_subnet"]:
        flags.append("subnet_burst")
    if subnet_key and earlier.filter(subnet_key=subnet_key, pattern=pattern).count() + 1 \
            >= rule["identical_pattern_repeats"]:
        flags.append("identical_pattern")
    if seconds is not None and seconds < rule["min_seconds_per_item"] * items:
        flags.append("too_fast")
    return flags
