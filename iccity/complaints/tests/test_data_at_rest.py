"""Personal data at rest: the complainant's name, phone, ID number and address are encrypted in the database (keys
outside it), found by exact phone through a keyed hash, re-encrypted by key rotation, and removed from cases closed
longer ago than the retention rule (twice-safe, audited)."""
from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from iccity.complaints.models import Case
from iccity.core import clock, crypto
from iccity.core.models import AuditEvent

from .factories import ID_NUMBER, NAME, PHONE, clear_cache, frozen_today, register, site  # noqa: F401

pytestmark = pytest.mark.django_db
ADDRESS = "西青区杨柳青镇1号"
COLUMNS = ("person_name", "person_phone", "person_id_number", "person_address", "person_phone_index")


def raw_row(case) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)}, description FROM complaints_case WHERE id = %s", [case.pk])
        return dict(zip(COLUMNS + ("description",), cursor.fetchone()))


def test_the_raw_columns_hold_no_plaintext(site):
    case = register()[0]
    raw = raw_row(case)
    dump = str(raw)
    for secret in (NAME, PHONE, ID_NUMBER, ADDRESS, "菜品有异物"):  # the description too: people write phones into it
        assert secret not in dump
    assert all(raw[c].startswith("enc1:") for c in COLUMNS[:4])
    case = Case.objects.get(pk=case.pk)
    assert (case.person_name, case.person_phone, case.person_id_number, case.person_address) == (
        NAME, PHONE, ID_NUMBER, ADDRESS)
    # the same value encrypts differently each time: nothing to correlate between rows
    second = register()[0]
    assert second.pk != case.pk and raw_row(second)["person_phone"] != raw["person_phone"]


def test_handlers_find_a_case_by_exact_phone_and_others_cannot_probe(client, site):
    case = register()[0]
    register(person_phone="13700001111")
    assert list(Case.objects.with_phone(PHONE)) == [case]
    assert list(Case.objects.with_phone("139 1234 5678")) == [case]
    assert not Case.objects.with_phone(PHONE[:-1]).exists() and not Case.objects.with_phone("").exists()
    client.force_login(site.handler)
    html = client.get("/complaints/cases/", {"q": PHONE, "show": "all"}).content.decode()
    assert case.receipt_number in html and html.count("XQ") >= 1
    client.force_login(site.other)  # another unit: the phone must not confirm anything
    assert case.receipt_number not in client.get("/complaints/cases/", {"q": PHONE, "show": "all"}).content.decode()


def test_key_rotation_re_encrypts_everything_with_the_new_key(site, monkeypatch):
    from iccity.core.actions_privacy import do_rotate_data_key

    case = register()[0]
    old = crypto.data_keys()[0]
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("ICCITY_DATA_KEYS", f"{new},{old}")
    counts = do_rotate_data_key()
    assert counts["complaints.Case"] == 1
    raw = raw_row(case)
    assert Fernet(new.encode()).decrypt(raw["person_phone"][5:].encode()).decode() == PHONE
    monkeypatch.setenv("ICCITY_DATA_KEYS", new)  # the old key removed: everything still reads
    case = Case.objects.get(pk=case.pk)
    assert case.person_phone == PHONE and case.person_id_number == ID_NUMBER
    assert list(Case.objects.with_phone(PHONE)) == [case]  # the search hash has its own key
    assert do_rotate_data_key() == counts  # twice-safe
    assert AuditEvent.objects.filter(action="core.privacy.data_key_rotated").count() == 2
    monkeypatch.setenv("ICCITY_DATA_KEYS", old)  # a missing key is an explicit error, never garbage
    with pytest.raises(crypto.DataKeyError, match="密钥不匹配"):
        Case.objects.get(pk=case.pk)


def test_the_data_migration_encrypts_rows_written_in_plain_text(site):
    import importlib

    from django.apps import apps

    case = register()[0]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE complaints_case SET person_phone = %s, person_name = %s, person_phone_index = '' "
                       "WHERE id = %s", [PHONE, NAME, case.pk])
    assert Case.objects.get(pk=case.pk).person_phone == PHONE  # legacy plain text still reads
    migration = importlib.import_module("iccity.complaints.migrations.0003_encrypt_personal_data")
    migration.encrypt_existing(apps, None)
    migration.encrypt_existing(apps, None)  # twice-safe
    raw = raw_row(case)
    assert PHONE not in str(raw) and NAME not in str(raw) and raw["person_phone_index"]
    assert list(Case.objects.with_phone(PHONE)) == [Case.objects.get(pk=case.pk)]


def close(case, when):
    Case.objects.filter(pk=case.pk).update(state="closed", closed_at=when)


def test_retention_anonymises_only_cases_closed_past_the_rule_and_is_twice_safe(site):
    from django.core.management import call_command
    from django.utils import timezone

    old, recent, open_case = register()[0], register()[0], register()[0]
    close(old, timezone.make_aware(dt.datetime(2022, 5, 1, 10)))
    close(recent, timezone.make_aware(dt.datetime(2025, 6, 1, 10)))
    Case.objects.filter(pk=old.pk).update(description=f"我是{NAME}，电话{PHONE}，餐馆拒绝退款。")
    from iccity.complaints.retention import do_anonymise_due_cases

    assert do_anonymise_due_cases() == [old.receipt_number]  # today 2026-05-11, 3 years after closure
    assert do_anonymise_due_cases() == []
    old, recent, open_case = (Case.objects.get(pk=c.pk) for c in (old, recent, open_case))
    assert (old.person_name, old.person_phone, old.person_id_number, old.person_address) == ("", "", "", "")
    assert old.anonymised_at and NAME not in old.description and PHONE not in old.description
    assert "餐馆拒绝退款" in old.description and old.lookup_token == ""
    assert recent.person_phone == PHONE and open_case.person_name == NAME
    assert not Case.objects.with_phone(PHONE).filter(pk=old.pk).exists()
    events = AuditEvent.objects.filter(action="complaints.case.anonymised")
    assert events.count() == 1 and PHONE not in str(events.get().after) and NAME not in str(events.get().after)
    with clock.travel(dt.date(2028, 6, 2)):
        call_command("privacy", "anonymise")
    assert Case.objects.get(pk=recent.pk).anonymised_at is not None
    assert Case.objects.get(pk=open_case.pk).person_name == NAME  # never closed: kept


def test_served_notices_keep_the_recipients_name_encrypted(site):
    from iccity.complaints.actions import do_transition
    from iccity.complaints.models import CaseNotice

    case = do_transition(register()[0], "accepted", actor=site.handler)
    notice = CaseNotice.objects.filter(case=case).order_by("pk").first()
    assert NAME in notice.recipient
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, content FROM complaints_casenotice WHERE id = %s", [notice.pk])
        recipient, content = cursor.fetchone()
    assert NAME not in recipient + content and recipient.startswith("enc1:")


def test_the_case_list_never_decrypts_personal_data(client, site, monkeypatch):
    for _ in range(3):
        register()
    calls = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda value: calls.append(value) or real(value))
    client.force_login(site.office)
    assert client.get("/complaints/cases/", {"show": "all"}).status_code == 200
    assert [c for c in calls if c] == []
    client.get(f"/complaints/cases/{Case.objects.first().pk}/")  # the detail page does decrypt (the office may see)
    assert [c for c in calls if c]
