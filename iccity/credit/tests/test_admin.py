import pytest

from iccity.core.models import AuditEvent

from ..models import Merchant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["merchant", "creditcommitment", "listentry", "repairrequest"])
def test_admin_lists_and_forms_render(client, office_admin, rules, model):
    client.force_login(office_admin)
    assert client.get(f"/admin/credit/{model}/").status_code == 200
    if model != "repairrequest":
        assert client.get(f"/admin/credit/{model}/add/").status_code == 200


def test_adding_a_merchant_in_the_admin_goes_through_the_action(client, office_admin, today):
    client.force_login(office_admin)
    response = client.post("/admin/credit/merchant/add/", {"name": "后台公司", "kind": "legal",
                                                           "uscc": "91350100M000100Y44", "operator_name": ""})
    assert response.status_code == 302
    merchant = Merchant.objects.get(name="后台公司")
    assert merchant.needs_uscc_review
    assert AuditEvent.objects.filter(action="credit.merchant.registered", object_id=str(merchant.pk)).exists()
    assert client.get(f"/admin/credit/merchant/{merchant.pk}/change/").status_code == 200


def test_a_refused_entry_in_the_admin_shows_the_reason_and_writes_nothing(client, office_admin, company):
    from ..models import ListEntry

    client.force_login(office_admin)
    data = {"merchant": company.pk, "list_kind": "penalty", "severity": "general", "decision_number": "X-1",
            "decision_date": "2026-03-01", "authority": "区市场监管局", "authority_uscc": "", "legal_basis": "某法",
            "violation_type": "某行为", "facts": "", "penalty": "", "data_source_unit": "", "valid_until": "",
            "fine_yuan": "", "confiscation_yuan": ""}
    page = client.post("/admin/credit/listentry/add/", data, follow=True)
    assert "没有生效的公示期限规则" in page.content.decode()
    assert not ListEntry.objects.exists()


def test_initial_rules_are_safe_to_run_twice(db):
    import io

    from iccity.core.models import Rule

    from iccity.core import initial_data

    initial_data.load(io.StringIO())
    initial_data.load(io.StringIO())
    assert Rule.objects.filter(key="credit.publication").count() == 1


def test_disclosure_page_queries_do_not_grow_with_entries(client, company):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import penalty

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/credit/")
            client.get("/api/credit/disclosures")
        return len(ctx.captured_queries)

    penalty(company, "津西市监罚〔2026〕1号", dt.date(2026, 6, 1))
    one = count()
    for n in range(2, 11):
        penalty(company, f"津西市监罚〔2026〕{n}号", dt.date(2026, 6, 1))
    assert count() == one
