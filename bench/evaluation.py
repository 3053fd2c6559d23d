"""Benchmark of the evaluation dashboards, the review queue, the 台账 export and the whole-plan monthly Word report.

    .venv/bin/python bench/evaluation.py [--scales 0.1,1] [--runs 5] [--keep]

Each dataset lives in its own SQLite file under a temporary directory (set DATABASE_URL to use another database for
the template step is not supported: the copies are SQLite files). Steps, each in a fresh process so that
DATABASE_URL is set before ``django.setup()``:

1. template: migrate + ``iccity bootstrap`` (registry, Xiqing plan, rules, indicator catalogue) once;
2. per variant, a copy of the template: ``empty`` (plan only — the baseline) and each scale (bench/evaluation_data.py);
3. measure with the Django test client, logged in as an office admin: every dashboard page (SQL queries, median of
   ``--runs`` timings after one warm-up), the ledger export, and the monthly report via do_generate_document.

Query counts must not grow with data: compared between scale 0.1 (≈1/10 of units, cycles, items, indicators) and 1.
A real 10× (500 units, 600 monthly cycles) is not a meaningful Xiqing dataset and takes too long here.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["command", "leader", "public", "league"]
DOC_TARGET_S = 2.0
REVIEW_TARGET_S = 0.3
PERIOD = "2026-10"


def _django(db: Path, media: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccity.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = str(media)
    # The benchmark times pages, not the second-factor step: the office user signs in without TOTP here.
    settings.ICCITY_OTP_REQUIRED = False


def make_template(db: Path, media: Path) -> None:
    _django(db, media)
    import io

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("bootstrap", stdout=io.StringIO())


def measure(db: Path, media: Path, scale: float, runs: int) -> dict:
    _django(db, media)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import NoReverseMatch, reverse

    import evaluation_data
    from iccity.core import clock

    setup_test_environment()
    result = {"scale": scale, "pages": {}, "notes": []}
    with clock.travel(evaluation_data.TODAY):
        started = time.perf_counter()
        result["data"] = evaluation_data.build(scale) if scale else {}
        result["build_s"] = time.perf_counter() - started
        user = evaluation_data.office_user()
        _prepare(result, user)
        client = Client()
        client.force_login(user)
        for name in PAGES:
            try:
                url = reverse(f"evaluation:{name}")
            except NoReverseMatch:
                result["notes"].append(f"evaluation:{name} 尚无 URL，跳过")
                continue
            # secure=True: production settings redirect plain HTTP to HTTPS (docs/security.md)
            result["pages"][name] = _timed(lambda: client.get(url, secure=True), runs, check=lambda r: r.status_code,
                                           connection=connection, capture=CaptureQueriesContext)
        _review_queue(result, client, runs, connection, CaptureQueriesContext)
        from iccity.reports.actions.ledger import do_export_ledger, do_preview_ledger_import

        result["pages"]["ledger-export"] = _timed(lambda: do_export_ledger(user), runs, connection=connection,
                                                  capture=CaptureQueriesContext)
        _, workbook = do_export_ledger(user)
        result["pages"]["ledger-preview"] = _timed(lambda: do_preview_ledger_import(workbook, "bench.xlsx", user), runs,
                                                   connection=connection, capture=CaptureQueriesContext)
        try:
            from iccity.reports.actions.documents import do_generate_document
        except ImportError:
            result["notes"].append("iccity.reports.actions.documents.do_generate_document 不存在，跳过文书")
        else:
            result["document"] = _timed(lambda: do_generate_document("monthly", {"period": PERIOD}, user), runs,
                                        connection=connection, capture=CaptureQueriesContext)
    return result


def _review_queue(result: dict, office_client, runs: int, connection, capture) -> None:
    """The review queue (/delivery/review/): the office's default view, the office with filters over five years
    (all it may see, on time, no quality flag), and a task-force lead's default view."""
    from django.test import Client

    import evaluation_data

    url = "/delivery/review/"
    lead = Client()
    lead.force_login(evaluation_data.task_force_lead())
    for name, client, query in [("review-office", office_client, ""),
                                ("review-filtered", office_client, "?show=all&lateness=on_time&flag=none"),
                                ("review-tf-lead", lead, "")]:
        result["pages"][name] = _timed(lambda c=client, q=query: c.get(url + q, secure=True), runs,
                                       check=lambda r: r.status_code, connection=connection, capture=capture)


def _prepare(result: dict, user) -> None:
    """Run the evaluation jobs the dashboards read (lights, last three months' scores) so pages show real content;
    their one-off times are reported too. A job not built yet is noted, not fatal."""
    from iccity.plans.actions import XIQING_PLAN_SLUG
    from iccity.plans.models import Plan

    version = Plan.objects.get(slug=XIQING_PLAN_SLUG).current_version
    jobs = [("lights", "iccity.evaluation.actions.lights", "do_refresh_lights", lambda f: f(version, actor=user))]
    for period in ("2026-08", "2026-09", PERIOD):
        jobs.append((f"score {period}", "iccity.evaluation.actions.scoring", "do_score_period",
                     lambda f, period=period: f(period, actor=user)))
    result["jobs"] = {}
    for label, module, name, call in jobs:
        started = time.perf_counter()
        try:
            import importlib

            call(getattr(importlib.import_module(module), name))
        except Exception as exc:  # noqa: BLE001  (another helper's job may still be in progress)
            result["notes"].append(f"{label}（{module}.{name}）失败：{type(exc).__name__}: {exc}"[:300])
            continue
        result["jobs"][label] = time.perf_counter() - started


def _timed(call, runs: int, *, connection, capture, check=None) -> dict:
    """One warm-up call, then ``runs`` timed calls; query count of the last one."""
    try:
        first = call()
    except Exception as exc:  # a page still being built elsewhere must not stop the whole benchmark
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}
    status = check(first) if check else None
    if status is not None and status != 200:  # a redirect or an error page would be timed instead of the page
        return {"error": f"HTTP {status}", "status": status}
    times, queries = [], 0
    for _ in range(runs):
        with capture(connection) as ctx:
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
    return {"median_s": statistics.median(times), "queries": queries, "status": status}


def _child(args: list[str]) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-5000:])
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,1")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="保留临时数据库目录")
    parser.add_argument("--child", nargs=4, metavar=("MODE", "DB", "MEDIA", "SCALE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, db, media, scale = args.child
        if mode == "template":
            make_template(Path(db), Path(media))
            print("RESULT {}")
        else:
            print("RESULT " + json.dumps(measure(Path(db), Path(media), float(scale), args.runs), ensure_ascii=False))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="iccity-bench-"))
    media = tmp / "media"
    media.mkdir()
    template = tmp / "template.sqlite3"
    started = time.perf_counter()
    if _child(["--child", "template", str(template), str(media), "0"]) is None:
        print("模板数据库创建失败")
        return 1
    print(f"模板数据库（迁移 + bootstrap）：{time.perf_counter() - started:.1f} s")
    results = {}
    for label, scale in [("empty", 0.0)] + [(s, float(s)) for s in args.scales.split(",")]:
        db = tmp / f"bench-{label}.sqlite3"
        shutil.copy(template, db)
        res = _child(["--child", "measure", str(db), str(media), str(scale), "--runs", str(args.runs)])
        if res is None:
            print(f"变体 {label} 失败")
            return 1
        results[label] = res
        jobs = "，".join(f"{k} {v:.2f} s" for k, v in res.get("jobs", {}).items())
        print(f"变体 {label}：数据 {res['data']}，建数 {res['build_s']:.1f} s" + (f"；作业 {jobs}" if jobs else ""))
    _print_table(results, args.scales.split(","))
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"临时目录保留在 {tmp}")
    return 0


def _fmt(entry: dict | None, key: str) -> str:
    if not entry:
        return "—"
    if "error" in entry:
        return "错误"
    value = entry.get(key)
    return f"{value * 1000:.0f} ms" if key == "median_s" else str(value)


def _print_table(results: dict, scales: list[str]) -> None:
    small, big = scales[0], scales[-1]
    print()
    print(f"{'对象':<16}{'状态':>6}{'查询 空':>9}{'查询 ' + small:>10}{'查询 ' + big:>9}{'查询比':>8}"
          f"{'时间 空':>11}{'时间 ' + small:>11}{'时间 ' + big:>11}{'时间比':>8}")
    names = list(dict.fromkeys(n for r in results.values() for n in r["pages"]))
    for name in names + ["monthly-doc"]:
        rows = {k: (r["pages"].get(name) if name != "monthly-doc" else r.get("document")) for k, r in results.items()}
        s, b = rows.get(small) or {}, rows.get(big) or {}
        q_ratio = f"{b['queries'] / s['queries']:.2f}" if s.get("queries") and b.get("queries") is not None else "—"
        t_ratio = f"{b['median_s'] / s['median_s']:.2f}" if s.get("median_s") and b.get("median_s") else "—"
        status = str(b.get("status") or ("ok" if "median_s" in b else "—"))
        print(f"{name:<16}{status:>6}{_fmt(rows.get('empty'), 'queries'):>9}{_fmt(s, 'queries'):>10}"
              f"{_fmt(b, 'queries'):>9}{q_ratio:>8}{_fmt(rows.get('empty'), 'median_s'):>11}{_fmt(s, 'median_s'):>11}"
              f"{_fmt(b, 'median_s'):>11}{t_ratio:>8}")
        for label, entry in rows.items():
            if entry and "error" in entry:
                print(f"    {label}: {entry['error']}")
    doc = results[big].get("document") or {}
    if "median_s" in doc:
        verdict = "达标" if doc["median_s"] < DOC_TARGET_S else "未达标"
        print(f"\n全方案月度报告（{PERIOD}，规模 {big}）：中位 {doc['median_s']:.2f} s / 目标 {DOC_TARGET_S:.0f} s = "
              f"{doc['median_s'] / DOC_TARGET_S:.2f}（{verdict}）；空数据基线 "
              f"{(results['empty'].get('document') or {}).get('median_s', float('nan')):.2f} s")
    for name in ("review-office", "review-filtered", "review-tf-lead"):
        entry = results[big]["pages"].get(name) or {}
        if "median_s" in entry:
            verdict = "达标" if entry["median_s"] < REVIEW_TARGET_S else "未达标"
            print(f"审核队列 {name}（规模 {big}）：中位 {entry['median_s'] * 1000:.0f} ms / 目标 "
                  f"{REVIEW_TARGET_S * 1000:.0f} ms = {entry['median_s'] / REVIEW_TARGET_S:.2f}（{verdict}）")
    for label, r in results.items():
        for note in r["notes"]:
            print(f"注（{label}）：{note}")


if __name__ == "__main__":
    sys.exit(main())
