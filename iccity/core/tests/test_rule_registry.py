"""The rule registry: every rule declared once, reads never write, each rule's missing-version policy, the platform
clock, and a bootstrap that adds only what is missing."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iccity.core import clock, initial_data, rules
from iccity.core.actions import do_create_rule_version, do_update_rule
from iccity.core.deadlines import CALENDAR_DAYS, DeadlineRule, remaining
from iccity.core.models import AuditEvent, Rule

PACKAGE = Path(rules.__file__).resolve().parents[1]


def test_each_rule_is_declared_once_in_its_own_apps_rules_module():
    declared = rules.declared()
    assert declared, "no rule declared"
    for key, declaration in declared.items():
        app = key.split(".")[0]
        expected = "iccity.core.identity_rules" if app == "core" else f"iccity.{app}.rules"
        assert declaration.module == expected, (key, declaration.module)
    key = next(iter(declared))
    with pytest.raises(rules.DuplicateRule):
        rules.declare(key, title="又一次", default={}, effective_from=dt.date(2024, 1, 1), source="测试")


def test_no_code_reads_rule_rows_around_the_registry():
    """The fallback lives once, in core.rules: nothing else asks Rule.objects.in_force or catches DoesNotExist."""
    allowed = {PACKAGE / "core" / name for name in ("rules.py", "models.py", "deadlines.py", "actions.py")}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or path in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"Rule\.objects\.in_force\(|except Rule\.DoesNotExist|do_ensure_rules\(", text):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []


def _read_everything(on: dt.date) -> dict[str, object]:
    results = {}
    for key in rules.declared():
        try:
            results[key] = rules.rule_value(key, on)
        except rules.RuleMissing as refused:
            results[key] = refused
    return results


def test_reading_any_rule_never_writes(db):
    with CaptureQueriesContext(connection) as queries:
        _read_everything(dt.date(2026, 6, 1))
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == [] and Rule.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_each_rule_follows_its_missing_version_policy(db):
    day = dt.date(2026, 6, 1)
    empty = _read_everything(day)
    for key, declaration in rules.declared().items():
        default = declaration.default_on(day)
        if declaration.on_missing == rules.REFUSE:
            assert isinstance(empty[key], rules.RuleMissing) and empty[key].message, key
        else:
            assert empty[key] == default.value, key
    # Rows exist, but none is in force yet on that day: only DEFAULT_IF_NONE_IN_FORCE still uses the default.
    for key in rules.declared():
        Rule.objects.create(key=key, version=99, title="将来", value={}, effective_from=dt.date(2030, 1, 1),
                            source="测试")
    later = _read_everything(day)
    for key, declaration in rules.declared().items():
        if declaration.on_missing == rules.DEFAULT_IF_NONE_IN_FORCE:
            assert later[key] == declaration.default_on(day).value, key
        else:
            assert isinstance(later[key], rules.RuleMissing), key
            assert isinstance(later[key], Rule.DoesNotExist)  # the API's 400 answer still catches it


def test_refusal_messages_are_the_declared_chinese_ones(db):
    with pytest.raises(rules.RuleMissing, match="没有生效的公示期限规则"):
        rules.rule_value("credit.publication", dt.date(2026, 6, 1))
    with pytest.raises(rules.RuleMissing, match="2026年6月1日没有生效的考评计分规则"):
        rules.rule_value("evaluation.scoring", dt.date(2026, 6, 1))


def test_a_later_version_missing_a_key_is_completed_by_the_default(db):
    Rule.objects.create(key="core.session", version=1, title="更短", value={"idle_minutes": 10},
                        effective_from=dt.date(2024, 1, 1), source="测试")
    assert rules.rule_value("core.session", dt.date(2026, 1, 1)) == {"idle_minutes": 10, "absolute_hours": 12}


def test_rules_and_deadlines_use_the_platform_clock(db):
    Rule.objects.create(key="delivery.ack_deadline", version=1, title="旧", value={"working_days": 3},
                        effective_from=dt.date(2023, 1, 1), effective_to=dt.date(2031, 1, 1), source="测试")
    Rule.objects.create(key="delivery.ack_deadline", version=2, title="新", value={"working_days": 5},
                        effective_from=dt.date(2031, 1, 1), source="测试")
    with clock.travel(dt.date(2031, 3, 2)):
        assert Rule.objects.in_force("delivery.ack_deadline").version == 2
        assert rules.rule_value("delivery.ack_deadline") == {"working_days": 5}
        left = remaining(None, dt.date(2031, 3, 5), DeadlineRule(CALENDAR_DAYS, 3))
        assert left.units_left == 3 and not left.overdue
    with clock.travel(dt.date(2030, 12, 31)):
        assert Rule.objects.in_force("delivery.ack_deadline").version == 1


def test_bootstrap_creates_declared_rules_once_and_keeps_the_offices_edits(db):
    initial_data.load(io.StringIO())
    expected = sum(len(d.versions) for d in rules.declared().values())
    assert Rule.objects.count() == expected
    lockout = Rule.objects.get(key="core.login_lockout", version=1)
    do_update_rule(lockout, source="本局安全管理制度（2026）", notes="已确认")
    do_create_rule_version(key="core.login_lockout", title="更严", value={"account_failures": 3},
                           effective_from=dt.date(2026, 7, 1), source="本局安全管理制度（2026）")
    out = io.StringIO()
    initial_data.load(out)
    assert out.getvalue() == "" and Rule.objects.count() == expected + 1
    lockout.refresh_from_db()
    assert lockout.source == "本局安全管理制度（2026）" and lockout.effective_to == dt.date(2026, 7, 1)
    assert rules.rule_value("core.login_lockout", dt.date(2026, 7, 2))["account_failures"] == 3
