"""Identity policy values as ``core.Rule`` rows (等保 8.1.4.1 a/b, ASVS V2): login lockout, session limits, password
strength. The office changes them in the rule table (a new version with an effective date); code reads the version
in force today. Policy when none is in force: the defaults (a gap in the rule table must not lock everybody out of
the login page), and a later version that leaves a key out keeps the default for it."""
from __future__ import annotations

import datetime as dt

from iccity.core.rules import DEFAULT_IF_NONE_IN_FORCE, declare, rule_value  # noqa: F401  (read through here)

DEFAULT_EFFECTIVE_FROM = dt.date(2023, 12, 29)  # the plan's date, as the other default rules


def _declare(key: str, title: str, value: dict, source: str) -> str:
    return declare(key, title=title, default=value, effective_from=DEFAULT_EFFECTIVE_FROM, source=source,
                   confidence="local policy", on_missing=DEFAULT_IF_NONE_IN_FORCE, complete=True)


LOGIN_LOCKOUT = _declare(
    "core.login_lockout", "登录失败处理：锁定阈值与时长",
    {"account_failures": 5, "client_failures": 20, "cooloff_minutes": 30},
    "GB/T 22239-2019 8.1.4.1 b）应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数……；"
    "OWASP ASVS 4.0.3 V2.2.1；次数与时长为平台默认值，请按本单位安全管理制度确认")
SESSION = _declare(
    "core.session", "会话超时：空闲时长与最长有效期", {"idle_minutes": 30, "absolute_hours": 12},
    "GB/T 22239-2019 8.1.4.1 b）……当登录连接超时自动退出；OWASP ASVS 4.0.3 V3.3.2（L2：空闲超时、"
    "最长 12 小时重新认证）；时长为平台默认值，请按本单位安全管理制度确认")
PASSWORD = _declare(
    "core.password", "口令复杂度与更换周期",
    {"min_length": 12, "min_strength": 3, "min_character_classes": 2, "max_age_days": None},
    "GB/T 22239-2019 8.1.4.1 a）身份鉴别信息具有复杂度要求并定期更换；OWASP ASVS 4.0.3 V2.1.1（至少 12 位）、"
    "V2.1.7（拒绝常见/泄露口令）、V2.1.10（不强制定期更换）；强度按 zxcvbn 0–4 分；字符类别数为等保测评常见要求；"
    "max_age_days 为空表示不强制更换，测评要求定期更换时填写天数（如 90）。平台默认值")
SECOND_FACTOR = _declare(
    "core.second_factor", "双因素认证（动态口令）适用范围", {"required_for": "staff"},
    "GB/T 22239-2019 8.1.4.1 d）应采用口令、密码技术……两种或两种以上组合的鉴别技术；OWASP ASVS 4.0.3 V2.7/V2.8。"
    "staff：管理员、后台人员和领导小组办公室必须使用，其他用户可选；all：所有用户必须使用。平台默认值")

