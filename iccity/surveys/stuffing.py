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

RULE_KEY = "surveys.anti_stuffing"
DEFAULT_RULES = [{
    "key": RULE_KEY, "version": 1, "title": "满意度测评防刷票参数",
    "value": {"per_address_cap": 20, "burst_per_address": 3, "burst_per_subnet": 15, "burst_window_minutes": 10,
              "identical_pattern_repeats": 3, "min_seconds_per_item": 2},
    "effective_from": dt.date(2020, 1, 1),
    "source": "平台默认值（非法定）：按商场公共Wi-Fi下多人共用一个地址估算；OWASP ASVS 4.0 V11.1.4（业务流程防自动化）、"
              "OWASP 自动化威胁 OAT-019（账户/表单批量提交）",
    "notes": "待领导小组办公室确认：per_address_cap 同一地址每轮上限；burst_* 为时间窗内触发人工审核的份数；"
             "min_seconds_per_item 每题最短用时（秒）",
}]

FLAG_LABELS = {
    "address_burst": "同一地址短时间内多次提交",
    "subnet_burst": "同一网段短时间内大量提交",
    "identical_pattern": "与同一网段的其他答卷作答完全相同",
    "too_fast": "作答用时过短",
}


def params(on: dt.date | None = None) -> dict:
    from iccity.core import clock
    from iccity.core.models import Rule

    from iccity.core.actions import ActionRefused

    try:
        return dict(Rule.objects.in_force(RULE_KEY, on or clock.today()).value)
    except Rule.DoesNotExist:
        raise ActionRefused(f"测评防刷参数（规则 {RULE_KEY}）未配置，请运行 iccity bootstrap 或联系管理员") from None


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
