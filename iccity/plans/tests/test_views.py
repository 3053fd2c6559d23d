"""Plan pages as people see them: overview, task detail and role override, matrix, versions, diff and upload.

Most tests use the small ORM-built plan from ``factories``; tests named ``test_seed_*`` use the real Xiqing plan.
"""
from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iccity.core.models import AuditEvent
from iccity.orgs.models import Unit
from iccity.plans.actions import XIQING_PLAN_FILE, XIQING_PLAN_SLUG
from iccity.plans.models import Assignment, Plan, PlanVersion, RoleSource, Task

from .factories import COLLECTIVE_NAME, make_plan

SLUG = "test-plan"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan_v1(db):
    return make_plan(SLUG)


@pytest.fixture
def reporter(db, django_user_model):
    return django_user_model.objects.create_user("reporter", password="reporter-pass-123")


def html(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- home and overview

def test_home_without_plan_is_a_friendly_page(db, client):
    response = client.get(reverse("plans:home"))
    assert response.status_code == 200
    assert "尚未导入行动方案" in html(response)


def test_home_redirects_to_the_current_plan(plan_v1, client):
    assert client.get(reverse("plans:home")).url == reverse("plans:overview", args=[SLUG])
    assert client.get(reverse("plans:home") + "?to=matrix").url == reverse("plans:matrix", args=[SLUG])


def test_overview_shows_title_goals_groups_tasks_and_counts(plan_v1, client):
    page = html(client.get(reverse("plans:overview", args=[SLUG])))
    assert plan_v1.title in page
    assert "第1版" in page and "基线" in page
    assert "2025" in page and "消费能级大幅跃升" in page
    for task in Task.objects.filter(version=plan_v1):
        assert task.title in page
    assert "提升载体能级，打造区域地标商圈" in page and "保障措施" in page
    assert "<b>4</b> 项" in page          # 任务
    assert "<b>1</b> 项" in page          # 保障措施
    assert "<b>8</b> 个" in page          # 责任单位 (7 listed + the collective)
    assert "<b>13</b> 条" in page         # 分工 of the 4 tasks (4+3+3+3), collectives once


def test_overview_marks_the_lead_and_expands_collectives(plan_v1, client):
    page = html(client.get(reverse("plans:overview", args=[SLUG])))
    card = page.split('id="T1"')[1].split("</li>\n          \n")[0]
    assert 'is-lead' in card and "区商务局</a></strong> <span class=\"badge badge-lead\">牵头" in card
    card2 = page.split('id="T2"')[1]
    assert COLLECTIVE_NAME in card2 and "<details class=\"collective\">" in card2
    for town in ("中北镇政府", "杨柳青镇政府", "津门湖街道办事处"):
        assert town in card2.split("</details>")[0]


def test_overview_chart_has_data_and_a_table_fallback(plan_v1, client):
    response = client.get(reverse("plans:overview", args=[SLUG]))
    data = json.loads(response.content.decode().split('id="unit-chart-data" type="application/json">')[1].split("</script>")[0])
    # 区文旅局 leads T3, T4 and co-operates on T1; 区商务局 leads T1, T2
    assert data["units"][:2] == ["区文旅局", "区商务局"] and (data["lead"][0], data["co"][0]) == (2, 1)
    assert "echarts.min.js" in html(response)
    rows = response.context["chart"]["rows"]
    assert "<table" in html(response) and rows[0]["unit"].name == "区文旅局"


def test_overview_of_an_older_version_and_unknown_version(plan_v1, client):
    make_plan(number=2, plan=plan_v1.plan, title="修订稿")
    url = reverse("plans:overview", args=[SLUG])
    assert "修订稿" in html(client.get(url))
    old = html(client.get(url + "?version=1"))
    assert plan_v1.title in old and "历史版本" in old
    assert client.get(url + "?version=9").status_code == 404
    assert client.get(reverse("plans:overview", args=["nope"])).status_code == 404


# ---------------------------------------------------------------- task detail

def test_task_detail_shows_text_measures_units_targets_and_neighbours(plan_v1, client):
    page = html(client.get(reverse("plans:task", args=[SLUG, "T2"])))
    assert "打造便民社区商圈" in page and "第一句举措。" in page
    assert '<ol class="measure-list">' in page
    assert "默认" in page and "区体育局" in page
    assert COLLECTIVE_NAME in page and "津门湖街道办事处" in page   # collective members
    assert "到2027年达到10个" in page                              # target
    assert reverse("plans:task", args=[SLUG, "T1"]) in page and reverse("plans:task", args=[SLUG, "T3"]) in page
    assert "暂无变更记录" in page
    assert "调整角色" not in page                                    # anonymous: no edit form


def test_last_task_links_to_the_first_guarantee_measure(plan_v1, client):
    page = html(client.get(reverse("plans:task", args=[SLUG, "t4"])))
    assert reverse("plans:task", args=[SLUG, "M1"]) in page
    assert client.get(reverse("plans:task", args=[SLUG, "T99"])).status_code == 404


def _role_url(assignment):
    return reverse("plans:set_role", args=[SLUG, assignment.task.key, assignment.pk])


def _co_assignment(version, key="T1", name="区文旅局"):
    return Assignment.objects.get(task__version=version, task__key=key, unit__name=name, parent__isnull=True)


def test_role_override_is_refused_for_anonymous_and_non_staff(plan_v1, client, reporter):
    a = _co_assignment(plan_v1)
    data = {f"a{a.pk}-role": "lead", f"a{a.pk}-reason": "会议决定"}
    assert client.post(_role_url(a), data).status_code == 302          # to the login page
    assert client.post(_role_url(a), data, **HTMX).status_code == 401       # htmx: the contract says "sign in again"
    client.force_login(reporter)
    assert client.post(_role_url(a), data).status_code == 403
    a.refresh_from_db()
    assert a.role == "co" and not AuditEvent.objects.filter(action="plans.assignment.role_changed").exists()


def test_role_override_needs_a_reason(plan_v1, client, office_admin):
    a = _co_assignment(plan_v1)
    client.force_login(office_admin)
    response = client.post(_role_url(a), {f"a{a.pk}-role": "lead", f"a{a.pk}-reason": "  "}, **HTMX)
    assert response.status_code == 200
    assert "调整牵头/配合角色必须说明理由" in html(response)
    assert "<html" not in html(response)          # only the table row is swapped
    a.refresh_from_db()
    assert a.role == "co"


def test_role_override_by_staff_changes_the_role_and_is_audited(plan_v1, client, office_admin):
    a = _co_assignment(plan_v1)
    client.force_login(office_admin)
    task_url = reverse("plans:task", args=[SLUG, "T1"])
    assert "调整角色" in html(client.get(task_url))
    response = client.post(_role_url(a), {f"a{a.pk}-role": "lead", f"a{a.pk}-reason": "领导小组会议纪要"}, **HTMX)
    assert response.status_code == 200 and response["HX-Trigger"] == "history-changed"
    assert "已将 区文旅局 调整为牵头" in html(response) and "人工调整" in html(response)
    a.refresh_from_db()
    assert (a.role, a.role_source) == ("lead", RoleSource.OVERRIDE)
    event = AuditEvent.objects.get(action="plans.assignment.role_changed")
    assert event.note == "领导小组会议纪要" and event.before["role"] == "co" and event.actor == office_admin
    history = html(client.get(task_url + "?partial=history", **HTMX))
    assert "领导小组会议纪要" in history and "<html" not in history
    assert "领导小组会议纪要" in html(client.get(task_url))


def test_role_override_without_htmx_redirects_with_a_message(plan_v1, client, office_admin):
    a = Assignment.objects.get(task__version=plan_v1, task__key="T2", unit__name=COLLECTIVE_NAME)
    client.force_login(office_admin)
    response = client.post(_role_url(a), {f"a{a.pk}-role": "lead", f"a{a.pk}-reason": "镇街牵头"}, follow=True)
    assert "已将 各镇人民政府和街道办事处 调整为牵头" in html(response)
    assert set(a.expanded.values_list("role", flat=True)) == {"lead"}     # member towns follow the collective


# ---------------------------------------------------------------- matrix

def _matrix(client, query="", **extra):
    return client.get(reverse("plans:matrix", args=[SLUG]) + query, **extra)


def test_matrix_rows_columns_cells_and_totals(plan_v1, client):
    response = _matrix(client)
    m = response.context["m"]
    assert [r["task"].key for r in m["rows"]] == ["T1", "T2", "T3", "T4", "M1"]
    names = [u.name for u, _ in m["columns"]]
    assert names[-1] == COLLECTIVE_NAME and "中北镇政府" in names and "津门湖街道办事处" not in names
    t1 = m["rows"][0]
    assert (t1["lead"], t1["co"]) == (1, 3)
    commerce = dict((u.name, totals) for u, totals in m["columns"])["区商务局"]
    assert commerce == {"lead": 3, "co": 0}                          # T1, T2, M1
    page = html(response)
    assert "牵</td>" in page and "配</td>" in page and "<tfoot>" in page


def test_matrix_filters_by_group_and_unit_type(plan_v1, client):
    rows = [r["task"].key for r in _matrix(client, "?group=2").context["m"]["rows"]]
    assert rows == ["T3", "T4"]
    assert [r["task"].key for r in _matrix(client, "?group=m").context["m"]["rows"]] == ["M1"]
    columns = [u.name for u, _ in _matrix(client, "?unit_type=town").context["m"]["columns"]]
    assert columns == ["中北镇政府", "杨柳青镇政府"]
    # a bad filter value falls back to everything instead of an error page
    assert len(_matrix(client, "?unit_type=bogus").context["m"]["rows"]) == 5


def test_matrix_can_expand_collectives_into_member_towns(plan_v1, client):
    m = _matrix(client, "?expand=on&unit_type=subdistrict").context["m"]
    assert [u.name for u, _ in m["columns"]] == ["津门湖街道办事处"]
    cell = next(c for c in m["rows"][1]["cells"] if c)
    assert cell == {"role": "co", "via": COLLECTIVE_NAME}
    assert COLLECTIVE_NAME not in [u.name for u, _ in _matrix(client, "?expand=on").context["m"]["columns"]]
    assert "经由 各镇人民政府和街道办事处" in html(_matrix(client, "?expand=on"))


def test_matrix_htmx_request_returns_only_the_table(plan_v1, client):
    response = _matrix(client, "?group=1", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="matrix-table")
    page = html(response)
    assert page.lstrip().startswith('<div id="matrix-table"') and "<html" not in page
    assert "做强区域核心商圈" in page and "激活民俗文化资源" not in page
    full = html(_matrix(client))
    assert 'hx-get="/plans/test-plan/matrix/"' in full and 'hx-push-url="true"' in full


def _count_queries(client, url) -> int:
    # One request first: process-wide caches (content types, rules) fill on the first page a process serves,
    # which depends on which tests ran before, not on the page's data.
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?expand=on", "?group=1&unit_type=bureau"])
def test_matrix_runs_a_constant_number_of_queries(db, client, django_assert_max_num_queries, query):
    small = make_plan("small")
    big = make_plan("big", scale=10)
    assert big.tasks.count() == 10 * small.tasks.count()
    small_url = reverse("plans:matrix", args=["small"]) + query
    big_url = reverse("plans:matrix", args=["big"]) + query
    with django_assert_max_num_queries(7):
        client.get(small_url)
    with django_assert_max_num_queries(7):
        client.get(big_url)
    assert _count_queries(client, small_url) == _count_queries(client, big_url)


def test_overview_and_task_pages_run_a_constant_number_of_queries(db, client):
    make_plan("small")
    make_plan("big", scale=10)
    for name, args in (("plans:overview", []), ("plans:task", ["T1"])):
        small = _count_queries(client, reverse(name, args=["small", *args]))
        big = _count_queries(client, reverse(name, args=["big", *args]))
        assert small == big, name


# ---------------------------------------------------------------- versions and diff

def _make_v2(plan_v1):
    v2 = make_plan(number=2, plan=plan_v1.plan, title=plan_v1.title)
    t1 = v2.tasks.get(key="T1")
    t1.assignments.filter(unit__name="南站公司").delete()
    Task.objects.filter(pk=v2.tasks.get(key="T3").pk).update(title="激活并传承民俗文化资源")
    Task.objects.filter(pk=v2.tasks.get(key="T4").pk).delete()
    return v2


def test_versions_page_lists_versions(plan_v1, client):
    _make_v2(plan_v1)
    page = html(client.get(reverse("plans:versions", args=[SLUG])))
    assert "第1版" in page and "第2版" in page and "与上一版比较" in page
    assert "上传修订稿" not in page


def test_diff_page_shows_changes_in_colour(plan_v1, client):
    _make_v2(plan_v1)
    page = html(client.get(reverse("plans:diff", args=[SLUG, 2])))
    assert "第1版 → 第2版" in page
    assert '<li class="diff-del">删除单位：<del>南站公司</del></li>' in page
    assert "挖掘精武文化资源" in page.split("删除任务（")[1]
    assert "激活并传承民俗文化资源" in page
    against = html(client.get(reverse("plans:diff", args=[SLUG, 1]) + "?against=2"))
    assert "第2版 → 第1版" in against
    assert "基线版本" in html(client.get(reverse("plans:diff", args=[SLUG, 1])))
    assert client.get(reverse("plans:diff", args=[SLUG, 7])).status_code == 404


# ---------------------------------------------------------------- upload

def _upload(client, url, content: bytes, name="方案.txt"):
    return client.post(url, {"file": SimpleUploadedFile(name, content), "note": ""})


def test_office_admin_role_without_admin_access_may_upload(plan_v1, client, django_user_model):
    from iccity.orgs.models import Person, Role, RoleAssignment

    user = django_user_model.objects.create_user("office-clerk", password="pass-123456")
    RoleAssignment.objects.create(person=Person.objects.create(user=user, name="办公室工作人员"), role=Role.OFFICE_ADMIN)
    client.force_login(user)
    assert client.get(reverse("plans:import", args=[SLUG])).status_code == 200


def test_upload_needs_staff(plan_v1, client, reporter):
    url = reverse("plans:import", args=[SLUG])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL))
    client.force_login(reporter)
    assert client.get(url).status_code == 403
    assert _upload(client, reverse("plans:import_new"), b"x").status_code == 403


def _snapshot():
    return (PlanVersion.objects.count(), Task.objects.count(), Unit.objects.count(), AuditEvent.objects.count(),
            Plan.objects.count())


@pytest.mark.parametrize("content, name, message", [
    ("这是一份没有任何任务条目的通知。\n请各单位知悉。\n".encode(), "notice.txt", "未识别到任何任务"),
    (b"", "empty.txt", "文件为空"),
    (b"hello", "plan.xlsx", "不支持的文件类型"),
])
def test_upload_of_a_bad_file_shows_the_chinese_error_and_writes_nothing(plan_v1, client, office_admin, content, name, message):
    client.force_login(office_admin)
    before = _snapshot()
    response = _upload(client, reverse("plans:import", args=[SLUG]), content, name)
    assert response.status_code == 200
    assert message in html(response) and 'class="form-error"' in html(response)
    assert _snapshot() == before


# ---------------------------------------------------------------- the real Xiqing plan

SEED = XIQING_PLAN_FILE.read_text(encoding="utf-8")
SEED_GROUPS = ["提升载体能级，打造区域地标商圈", "发挥资源优势，打造知名旅游目的地", "丰富产品供给，打造品质消费策源地",
               "创新业态模式，培育新型消费场景", "完善基础设施，打造优质消费环境"]


def test_seed_overview_shows_all_21_tasks_groups_and_counts(xiqing_plan, client):
    response = client.get(reverse("plans:home"), follow=True)
    page = html(response)
    assert response.redirect_chain[-1][0] == reverse("plans:overview", args=[XIQING_PLAN_SLUG])
    assert "西青区加快建设国际消费中心城市行动方案（2023—2027年）" in page
    for task in xiqing_plan.tasks.filter(kind="task"):
        assert f">{task.title}</a>" in page, task.title
    for title in SEED_GROUPS:
        assert title in page
    for count in ("<b>21</b> 项", "<b>6</b> 项", "<b>49</b> 个", "<b>141</b> 条"):
        assert count in page
    task1 = page.split('id="T1"')[1].split('id="T2"')[0]
    assert "区商务局</a></strong> <span class=\"badge badge-lead\">牵头</span>" in task1


def test_seed_task_3_lists_the_collective_with_its_towns(xiqing_plan, client):
    page = html(client.get(reverse("plans:task", args=[XIQING_PLAN_SLUG, "T3"])))
    assert "各镇人民政府和街道办事处" in page and "11 个单位" in page and "辛口镇政府" in page


def test_seed_matrix_has_21_tasks_and_6_measures(xiqing_plan, client):
    m = client.get(reverse("plans:matrix", args=[XIQING_PLAN_SLUG])).context["m"]
    assert len(m["rows"]) == 27 and len(m["columns"]) == 49
    assert m["total_lead"] + m["total_co"] == 141 + 22


def test_seed_upload_same_file_and_edited_file(xiqing_plan, client, office_admin):
    client.force_login(office_admin)
    url = reverse("plans:import", args=[XIQING_PLAN_SLUG])
    response = _upload(client, url, XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name)
    assert response.url == reverse("plans:overview", args=[XIQING_PLAN_SLUG])
    assert "内容与第1版相同，未创建新版本" in html(client.get(response.url))
    assert PlanVersion.objects.count() == 1

    edited = SEED.replace("南站公司、区城投公司）", "南站公司）", 1).replace("9. 推动老字号品牌创新。", "9. 推动老字号品牌传承创新。")
    response = _upload(client, url, edited.encode(), "方案修改稿.txt")
    assert response.url == reverse("plans:diff", args=[XIQING_PLAN_SLUG, 2])
    page = html(client.get(response.url))
    assert "已导入第2版" in page and "第1版 → 第2版" in page
    assert "<del>区城投公司</del>" in page and "推动老字号品牌传承创新" in page
    assert PlanVersion.objects.get(number=2).imported_by == office_admin


def test_seed_upload_of_a_new_plan_becomes_its_baseline(db, client, office_admin):
    from iccity.orgs.actions import do_load_registry

    do_load_registry()
    client.force_login(office_admin)
    response = _upload(client, reverse("plans:import_new"), XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name)
    plan = Plan.objects.get()
    assert response.url == reverse("plans:overview", args=[plan.slug])
    assert "已导入基线版本（第1版）" in html(client.get(response.url))


def test_seed_plan_names_no_issuer_its_text_does_not_state(client, xiqing_plan):
    """The Xiqing text starts at the addressee line and is signed by a date only: the issuer stays empty (a dash
    such as “一”/“—” is never read as the issuing body); the overview names the date alone."""
    assert xiqing_plan.issuer == ""
    html = client.get(reverse("plans:overview", args=[XIQING_PLAN_SLUG])).content.decode()
    meta = html.split('<p class="meta">', 1)[1].split("</p>", 1)[0]
    assert meta.split() == ["成文日期", "2023年12月29日"]
