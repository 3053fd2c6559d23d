"""The rule admin saves dotted keys, makes a new version instead of overwriting, and every change is audited."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.core.actions import ActionRefused, do_update_rule
from iccity.core.audit_chain import verify
from iccity.core.models import AuditEvent, Rule


@pytest.fixture
def rule(db):
    return Rule.objects.create(key="delivery.ack_deadline", version=1, title="交办后签收时限",
                               value={"working_days": 3}, effective_from=dt.date(2024, 1, 1), source="办法 v1")


def _form(**overrides):
    data = {"key": "delivery.ack_deadline", "title": "交办后签收时限", "value": '{"working_days": 2}',
            "effective_from": "2026-07-01", "effective_to": "", "source": "2026年修订办法", "notes": ""}
    return {**data, **overrides}


def test_admin_adds_a_new_version_of_a_dotted_key_and_closes_the_old_one(client, office_admin, rule):
    client.force_login(office_admin)
    response = client.post("/admin/core/rule/add/", _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Rule.objects.get(key="delivery.ack_deadline", version=2)
    rule.refresh_from_db()
    assert new.value == {"working_days": 2} and rule.effective_to == dt.date(2026, 7, 1)
    assert Rule.objects.in_force("delivery.ack_deadline", dt.date(2026, 6, 30)).version == 1
    assert Rule.objects.in_force("delivery.ack_deadline", dt.date(2026, 7, 1)).version == 2
    created = AuditEvent.objects.get(action="core.rule.created", object_id=str(new.pk))
    assert created.actor == office_admin and created.after["value"] == {"working_days": 2}
    assert created.before["value"] == {"working_days": 3}
    closed = AuditEvent.objects.get(action="core.rule.closed")
    assert closed.before["effective_to"] is None and closed.after["effective_to"] == "2026-07-01"
    assert verify().broken is None


def test_admin_refuses_a_key_that_is_not_a_rule_key(client, office_admin, db):
    client.force_login(office_admin)
    response = client.post("/admin/core/rule/add/", _form(key="带空格 的键"))
    assert response.status_code == 200 and "规则键只能包含" in response.content.decode()
    assert not Rule.objects.exists()


def test_admin_date_change_is_audited_with_before_and_after(client, office_admin, rule):
    client.force_login(office_admin)
    response = client.post(f"/admin/core/rule/{rule.pk}/change/",
                           {"effective_from": "2024-01-01", "effective_to": "2027-01-01", "source": "办法 v1",
                            "notes": "到期"})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="core.rule.updated")
    assert event.before["effective_to"] is None and event.after["effective_to"] == "2027-01-01"
    assert event.after["notes"] == "到期" and event.actor == office_admin


def test_admin_cannot_overwrite_the_value_of_an_existing_version(client, office_admin, rule):
    client.force_login(office_admin)
    client.post(f"/admin/core/rule/{rule.pk}/change/",
                {"value": '{"working_days": 99}', "effective_from": "2024-01-01", "source": "办法 v1"})
    rule.refresh_from_db()
    assert rule.value == {"working_days": 3}
    with pytest.raises(ActionRefused, match="新建版本"):
        do_update_rule(rule, value={"working_days": 99})


def test_admin_refuses_an_end_before_the_start(client, office_admin, rule):
    client.force_login(office_admin)
    response = client.post(f"/admin/core/rule/{rule.pk}/change/",
                           {"effective_from": "2024-01-01", "effective_to": "2023-01-01", "source": "办法 v1"})
    assert "失效日期必须晚于生效日期" in response.content.decode()
    assert not AuditEvent.objects.filter(action="core.rule.updated").exists()


def test_rule_versions_cannot_be_deleted_in_the_admin(client, office_admin, rule):
    client.force_login(office_admin)
    client.post(f"/admin/core/rule/{rule.pk}/delete/", {"post": "yes"})
    assert Rule.objects.filter(pk=rule.pk).exists()


def test_rule_list_names_declared_rules_without_rows_and_undeclared_rows(client, office_admin, rule):
    Rule.objects.create(key="old.leftover", version=1, title="旧规则", value={}, effective_from=dt.date(2024, 1, 1),
                        source="旧系统")
    client.force_login(office_admin)
    html = client.get("/admin/core/rule/").content.decode()
    assert "代码已登记、规则表中尚无版本的规则" in html and "credit.publication" in html
    assert "无生效版本时拒绝办理" in html          # the credit rule's policy, shown beside it
    assert "未登记：代码不读取此规则" in html      # old.leftover
    assert "已登记（缺失时：从未录入时使用默认值）" in html  # delivery.ack_deadline has a row
