"""The jobs page is for the office only; the admin shows run records read-only."""
from __future__ import annotations

import pytest
from django.urls import reverse

from iccity.ops.models import JobRun
from iccity.ops.runner import run_due


@pytest.fixture
def runs(db):
    run_due(only=["django.clearsessions"])
    JobRun.objects.create(job="ops.backup", label="每日备份", worker="w", result="failed", error="磁盘已满")


def test_jobs_page_lists_every_job_with_its_last_run_for_the_office(client, office_admin, runs):
    client.force_login(office_admin)
    response = client.get(reverse("ops:jobs"))
    assert response.status_code == 200
    text = response.content.decode()
    for label in ("督办定时任务", "每日备份", "清理过期会话", "检查下一年节假日数据"):
        assert label in text
    assert "逾期未成功" in text  # the backup failed and never succeeded
    # a job's internal name appears only inside the command that runs it, never as a bare code under its label
    assert "<code>iccity worker --run ops.backup</code>" in text and "<code>ops.backup</code>" not in text
    detail = client.get(reverse("ops:job_runs", args=["ops.backup"]))
    assert detail.status_code == 200 and "磁盘已满" in detail.content.decode()


def test_jobs_page_refuses_people_outside_the_office(client, django_user_model, runs):
    assert client.get(reverse("ops:jobs")).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("liaison", password="pass-123456"))
    assert client.get(reverse("ops:jobs")).status_code == 403
    assert client.get(reverse("ops:job_runs", args=["ops.backup"])).status_code == 403


def test_unknown_job_is_not_found(client, office_admin, db):
    client.force_login(office_admin)
    assert client.get(reverse("ops:job_runs", args=["no.such"])).status_code == 404


def test_admin_shows_runs_but_never_changes_them(client, office_admin, runs):
    client.force_login(office_admin)
    assert client.get(reverse("admin:ops_jobrun_changelist")).status_code == 200
    run = JobRun.objects.first()
    assert client.get(reverse("admin:ops_jobrun_change", args=[run.pk])).status_code == 200
    assert client.get(reverse("admin:ops_jobrun_add")).status_code == 403
    assert client.post(reverse("admin:ops_jobrun_delete", args=[run.pk]), {"post": "yes"}).status_code == 403
    assert JobRun.objects.filter(pk=run.pk).exists()


def test_jobs_api_answers_the_office_and_refuses_others(client, office_admin, django_user_model, runs):
    assert client.get("/api/ops/jobs").status_code == 401
    client.force_login(django_user_model.objects.create_user("liaison", password="pass-123456"))
    assert client.get("/api/ops/jobs").status_code == 403
    client.force_login(office_admin)
    body = {job["name"]: job for job in client.get("/api/ops/jobs").json()}
    assert body["django.clearsessions"]["last_result"] == "ok" and body["django.clearsessions"]["last_success_at"]
    assert body["ops.backup"]["overdue"] is True and body["ops.backup"]["last_success_at"] is None
