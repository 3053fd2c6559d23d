"""The cron jobs: ``iccity delivery open-cycles | remind | send-notices | tick`` — safe twice, safe in parallel, loud
when holiday data is missing."""
from __future__ import annotations

import collections
import contextlib
import datetime as dt
import io
import os
import re
import sqlite3
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from iccity.core.calendar import WorkdayCalendar
from iccity.delivery.escalation import run_reminders
from iccity.delivery.models import Notice, NoticeDelivery, Report, ReportingCycle, WorkItem, WorkItemState

from .test_channels import SECRET, Robot

CAL = WorkdayCalendar()


def run(*args):
    """call_command with the output captured: (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("delivery", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# -- in-process -----------------------------------------------------------------------------------------------------

def test_open_cycles_is_safe_twice(cast):
    out, _ = run("open-cycles", "--date", "2026-03-02")
    assert out.strip() == f"报告周期：1 个方案的当前周期已开启，新增报告 {Report.objects.count()} 份" and Report.objects.count() > 0
    out, _ = run("open-cycles", "--date", "2026-03-20")
    assert "新增报告 0 份" in out and ReportingCycle.objects.count() == 1


def test_open_cycles_without_next_years_holidays_fails_loudly(cast):
    # the December cycle is due in January 2027, a year the holiday data does not cover yet
    with pytest.raises(CommandError, match="2027年的法定节假日安排尚无数据"):
        run("open-cycles", "--date", "2026-12-01")


def test_remind_prints_a_summary_and_a_second_run_creates_nothing(cast, cycle):
    day = CAL.add_workdays(cycle.due_on, 1).isoformat()
    out, _ = run("remind", "--date", day)
    units = Report.objects.filter(cycle=cycle).values("unit").distinct().count()
    assert out.startswith("催报与督办：") and f"催办单 {units} 份" in out
    out, _ = run("remind", "--date", day)
    assert "催办单 0 份" in out


def test_remind_in_a_year_without_holiday_data_does_what_it_can_and_exits_non_zero(cast):
    WorkItem.objects.create(task=cast.task, title="年底前完成", lead_unit=cast.lead_unit, state=WorkItemState.ACTIVE,
                            deadline=dt.date(2026, 12, 30), baseline_deadline=dt.date(2026, 12, 30))
    out = io.StringIO()
    with pytest.raises(CommandError, match="2027年的法定节假日安排尚无数据.*1 项未能判断"):
        call_command("delivery", "remind", "--date", "2027-01-06", stdout=out)
    assert "1 项因缺少2027年节假日数据未能判断" in out.getvalue()


def test_december_warning_goes_to_stderr_without_failing(db):
    out, err = run("remind", "--date", "2026-12-01")
    assert "2027年的法定节假日安排尚未录入" in err and out.startswith("催报与督办")


def test_tick_runs_every_step_and_still_sends_when_an_earlier_step_failed(cast, cycle, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from iccity.delivery.models import Channel

    Channel.objects.create(kind="email", name="商务局邮箱", unit=cast.lead_unit, address="swj@example.cn")
    out, _ = run("tick", "--date", CAL.add_workdays(cycle.due_on, 1).isoformat())
    lines = out.strip().splitlines()
    assert [line.split("：")[0] for line in lines] == ["报告周期", "催报与督办", "亮灯", "发送通知"]
    assert re.search(r"成功 [1-9]\d* 条", lines[3])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("delivery", "tick", "--date", "2026-12-01", stdout=out, stderr=err)
    assert "发送通知" in out.getvalue() and "2027年" in err.getvalue()


def test_a_bad_date_is_a_clear_error(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("remind", "--date", "2026/03/01")


@pytest.mark.django_db(transaction=True)
def test_two_threads_reminding_at_once_issue_each_notice_and_number_once(xiqing_plan):
    """Real concurrent connections: meaningful on PostgreSQL (advisory lock); SQLite is covered by the processes below."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite 内存测试库不支持多连接并发写入；SQLite 由下面的多进程测试覆盖")
    from iccity.delivery.actions import do_open_cycle

    cycle, _ = do_open_cycle(xiqing_plan.plan, dt.date(2026, 2, 10))
    day = CAL.add_workdays(cycle.due_on, 1)
    results, barrier = [], threading.Barrier(2)

    def worker():
        from django.db import connections

        barrier.wait()
        try:
            results.append(run_reminders(day))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    urges = Notice.objects.filter(kind="urge")
    assert sum(r.created["urge"] for r in results) == urges.count() == Report.objects.values("unit").distinct().count()
    numbers = sorted(int(re.search(r"第(\d+)号", n)[1]) for n in urges.values_list("document_number", flat=True))
    assert numbers == list(range(1, urges.count() + 1))


@pytest.mark.django_db(transaction=True)
def test_parallel_numbering_never_shares_or_skips_a_number():
    """Two writers numbering different subjects at the same moment: the lock makes them take turns."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite 内存测试库不支持多连接并发写入；SQLite 的写事务本身即串行（BEGIN IMMEDIATE）")
    from iccity.delivery.escalation import issue_numbered
    from iccity.orgs.models import Unit

    unit = Unit.objects.create(name="区测试局", unit_type="bureau")
    barrier = threading.Barrier(2)

    def worker(name):
        from django.db import connections

        barrier.wait()
        try:
            for n in range(25):
                issue_numbered(prefix="西青消费督", on=dt.date(2026, 3, 2), kind="urge", unit=unit, title="催办单",
                               body="…", dedupe_key=f"test-{name}-{n}", copies=[], links={})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(name,)) for name in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    numbers = sorted(int(re.search(r"第(\d+)号", n)[1]) for n in Notice.objects.values_list("document_number", flat=True))
    assert numbers == list(range(1, 51))


# -- two real processes on one SQLite file --------------------------------------------------------------------------

SETUP = """
import os, django
django.setup()
import datetime as dt
from django.core.management import call_command
call_command("migrate", skip_checks=True, verbosity=0)
call_command("bootstrap", skip_checks=True)
call_command("delivery", "open-cycles", "--date", "2026-02-10")
from iccity.delivery.models import Channel, WorkItem
from iccity.orgs.models import Unit
from iccity.plans.models import Task
base = os.environ["ROBOT"]
Channel.objects.create(kind="wecom", name="办公室群", address=base + "/wecom?key=k")
Channel.objects.create(kind="dingtalk", name="督办群", address=base + "/ding?access_token=t", secret=os.environ["SECRET"])
task = Task.objects.get(key="T1")
units = list(Unit.objects.exclude(unit_type="collective").order_by("pk")[:15])
for n, unit in enumerate(units):
    d = dt.date(2026, 2, 2)
    WorkItem.objects.create(task=task, title=f"事项{n}", lead_unit=unit, deadline=d, baseline_deadline=d, state="active")
"""


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory):
    """A file database two processes can share, with the plan, the February cycle, work items and two channels (one
    process sets it all up: each process start costs ~0.6 s of the suite's CPU)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    server.requests, server.delay = [], 0.02
    server.daemon_threads, server.block_on_close = True, False
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    path = tmp_path_factory.mktemp("jobs") / "iccity.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DJANGO_SETTINGS_MODULE": "iccity.settings",
           "ROBOT": f"http://127.0.0.1:{server.server_address[1]}", "SECRET": SECRET, "ICCITY_LOG_LEVEL": "ERROR"}
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, timeout=180)
    yield env, server
    server.shutdown()
    server.server_close()


def both(env, *args):
    """Start two processes at once and wait for both."""
    procs = [subprocess.Popen([sys.executable, "-m", "iccity", "delivery", *args], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    return [o[0] for o in outs]


def query(env, sql: str, *params) -> list[tuple]:
    """Read the shared file directly (no Django process to start): table names come from the models."""
    with contextlib.closing(sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"))) as db:
        return db.execute(sql.format(notice=Notice._meta.db_table, delivery=NoticeDelivery._meta.db_table),
                          params).fetchall()


def test_two_processes_reminding_at_once_create_each_notice_once_with_unbroken_numbers(shared_db):
    env, _ = shared_db
    outs = both(env, "remind", "--date", "2026-03-20")  # February reports 10 working days late, items since 2 Feb
    reds = sum(int(re.search(r"红色督办 (\d+) 份", out)[1]) for out in outs)
    numbers = sorted(int(re.search(r"第(\d+)号", n)[1])
                     for n, in query(env, "SELECT document_number FROM {notice} WHERE kind = ?", "red"))
    assert reds == len(numbers) >= 15 + 40  # every item and every unit with a February report, once
    assert numbers == list(range(1, reds + 1))
    again = subprocess.run([sys.executable, "-m", "iccity", "delivery", "remind", "--date", "2026-03-20"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert "红色督办 0 份" in again.stdout


def test_two_workers_sending_at_once_send_each_delivery_exactly_once(shared_db):
    env, server = shared_db
    # the notices to send (already there when the test above ran first; creating nothing then)
    subprocess.run([sys.executable, "-m", "iccity", "delivery", "remind", "--date", "2026-03-20"], env=env, check=True,
                   capture_output=True, timeout=120)
    [(pending,)] = query(env, "SELECT COUNT(*) FROM {delivery} WHERE state = ?", "pending")
    assert pending >= 2 * 55
    server.requests.clear()
    outs = both(env, "send-notices", "--limit", "1000")
    sent = sum(int(re.search(r"成功 (\d+) 条", out)[1]) for out in outs)
    assert sent == pending == len(server.requests)
    assert all(int(re.search(r"成功 (\d+) 条", out)[1]) > 0 for out in outs)  # both really raced
    contents = collections.Counter(
        (r["path"], r["body"]["markdown"].get("content") or r["body"]["markdown"]["text"]) for r in server.requests)
    assert max(contents.values()) == 1  # no message went out twice
    assert all("sign" in r["query"] for r in server.requests if r["path"] == "/ding")
    assert query(env, "SELECT DISTINCT state FROM {delivery}") == [("sent",)]
