"""The translation table (core.words): every audit verb the code base records has a Chinese label, details read as
sentences, unknown codes are visible and reported, people are shown by name and unit."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from iccity.core import words

ROOT = Path(__file__).resolve().parents[2]
# record_audit(actor, "app.thing.verb", …) and module constants such as AUDIT_ACTION = "app.thing.verb"
LITERAL = re.compile(r'record_audit\(\s*[^,()]+(?:\([^)]*\))?,\s*"([a-z_]+(?:\.[a-z_]+)+)"')
CONSTANT = re.compile(r'^(?:AUDIT_ACTION|DECISION|DEFAULTED|[A-Z_]*ACTION[A-Z_]*)\s*=\s*"([a-z_]+\.[a-z_.]+)"', re.M)
DYNAMIC = re.compile(r'record_audit\(\s*[^,()]+(?:\([^)]*\))?,\s*f"([a-z_.]+)\{')


def _sources():
    for path in ROOT.rglob("*.py"):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        yield path, path.read_text(encoding="utf-8")


def recorded_verbs() -> tuple[set[str], set[str]]:
    literal, prefixes = set(), set()
    for _path, text in _sources():
        literal |= set(LITERAL.findall(text)) | set(CONSTANT.findall(text))
        prefixes |= set(DYNAMIC.findall(text))
    return literal, prefixes


def test_every_audit_verb_the_code_records_has_a_chinese_label():
    literal, prefixes = recorded_verbs()
    assert len(literal) > 100, "the scan found the verbs"  # guards the regex itself
    missing = sorted(v for v in literal if words.verb(v).startswith("未知"))
    assert not missing, f"audit verbs without a label: {missing}"
    labels = words.known(words.VERB)
    # verbs built at run time (f"delivery.report.{action}") need labels for the values they take
    for prefix in prefixes:
        if prefix.count(".") >= 2:  # app.model. prefixes: the action part varies
            assert any(code.startswith(prefix) for code in labels), f"no labels for {prefix}…"
    assert all(re.search(r"[\u4e00-\u9fff]", str(label)) for label in labels.values())


def test_verbs_recorded_at_run_time_have_labels():
    from iccity.complaints.states import MACHINES
    from iccity.credit.models import RepairRequest
    from iccity.surveys.actions import REVIEW_DECISIONS

    codes = [f"complaints.case.{t.action}" for m in MACHINES.values() for t in m.transitions]
    codes += [f"credit.repair.{s}" for s in (RepairRequest.State.APPROVED, RepairRequest.State.REJECTED)]
    codes += [f"surveys.response.{d}" for d in REVIEW_DECISIONS]
    codes += [f"delivery.report.{a}" for a in ("submitted", "unit_approved", "unit_returned", "accepted", "returned")]
    codes += ["events.event.created", "core.rule.updated", "auth.user.groups_changed"]
    assert [c for c in codes if words.verb(c).startswith("未知")] == []


def test_audit_details_read_as_sentences_never_as_dicts():
    assert words.audit_sentence("delivery.work_items.proposed", None, {"created": 4}) == "提出具体事项 4 项"
    # a payload nobody wrote words for is left to the audit export rather than shown raw
    assert words.audit_sentence("delivery.work_item.updated", {"x_y": 1}, {"x_y": 2}) == ""
    text = Template("{% load words %}{{ e|audit_detail }}").render(Context({"e": type("E", (), {
        "action": "places.place.coordinates_set", "before": {"point": None},
        "after": {"point": {"latitude": "39.1", "longitude": "117.1"}}})()}))
    assert text == "坐标由（无坐标）改为（纬度 39.1，经度 117.1）"


def test_an_unknown_code_is_shown_as_unknown_and_reported():
    words.UNKNOWN.discard(("light", "purple"))
    rendered = Template('{% load words %}{{ v|word:"light" }}|{{ "red"|word:"light" }}').render(Context({"v": "purple"}))
    assert rendered.startswith("未知（purple）|红灯")
    assert ("light", "purple") in words.UNKNOWN
    words.UNKNOWN.discard(("light", "purple"))


@pytest.mark.django_db
def test_people_are_shown_by_name_and_unit_not_by_login(django_user_model):
    from iccity.orgs.models import Person, Unit

    words.clear_person_cache()
    user = django_user_model.objects.create_user("zhang.liaison")
    unit = Unit.objects.create(name="西青区商务局")
    Person.objects.create(user=user, name="张敏", unit=unit)
    assert words.person_display(user) == "张敏（西青区商务局）"
    html = Template("{% load words %}{{ u|person }}").render(Context({"u": user}))
    assert html == "张敏（西青区商务局）" and "zhang.liaison" not in html
    assert words.person_display(None) == "系统"
    words.clear_person_cache()
