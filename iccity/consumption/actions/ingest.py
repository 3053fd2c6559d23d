"""Ingestion, rollup rebuild and demo removal: the only code that changes the consumption data lake.

Order inside ``do_ingest`` (why it is crash-safe):
1. under the writer lock, earlier crashed runs are settled and their orphan files removed;
2. the run row is saved as ``running`` (visible in the admin while it works);
3. accepted rows, rejects and rollups are written under new file names nobody reads yet;
4. one transaction records the counts, the ingested-file checksums and the audit record, and its last step swaps the
   manifest (``storage.publish``). If the swap fails, the transaction rolls back; if the process dies before it, the
   old manifest still describes the old files. The manifest also lists the run's checksums, so a run whose swap
   happened but whose commit was lost is completed from the manifest by the next writer (``_settle_crashed_runs``).
"""
from __future__ import annotations

import shutil
import traceback
import uuid
from pathlib import Path
from collections.abc import Callable

from django.db import transaction

from iccity.core import clock, demo, policy
from iccity.core import timefmt
from iccity.core.actions import ActionRefused, record_audit

from .. import ingest as engine
from .. import ingest_merchants
from .. import rollups, storage
from ..models import Dataset, IngestedFile, IngestionRun, Kind

DEFAULT_DATASETS = {
    "transactions": ("银行卡交易流水", "银行卡收单/银联商务等厂商数据（非官方统计）"),
    "footfall": ("商圈客流", "客流监测厂商数据（非官方统计）"),
    "merchants": ("商户名录", "商务部门商户名录"),
}


def do_ingest(paths: list[Path], kind: str, *, actor=None, progress: Callable[[int], None] | None = None,
              dataset_name: str | None = None, source: str | None = None) -> IngestionRun:
    """Ingest CSV/Parquet ``paths`` of one ``kind``. Files already ingested (same SHA-256) are skipped; if all are,
    the run is recorded as ``duplicate`` and nothing changes. Bad rows go to the run's rejects CSV with reasons.
    Raises ActionRefused (Chinese message) for unusable input; the run is then recorded as failed."""
    policy.check_actor(actor, "consumption.manage_data")
    if kind not in Kind.values:
        raise ActionRefused(f"未知的数据类型“{kind}”，应为 {'/'.join(Kind.values)}")
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ActionRefused("找不到文件：" + "，".join(missing))
    if not paths:
        raise ActionRefused("没有指定要入库的文件")
    with storage.writer_lock():
        _settle_crashed_runs()
        storage.collect_garbage()
        results, seen = [], set()
        for path in paths:
            digest = engine.sha256_of(path)
            if digest in seen:
                continue  # the same bytes named twice in one call
            seen.add(digest)
            results.append(engine.FileResult(path, digest, path.stat().st_size, engine.file_is_demo(path)))
        if len({r.is_demo for r in results}) > 1:
            raise ActionRefused("示例数据文件与真实数据文件不能在同一批次入库")
        is_demo = results[0].is_demo or demo.is_active()
        dataset = _dataset(kind, dataset_name, source, is_demo)
        already = set(IngestedFile.objects.filter(kind=kind, sha256__in=[r.sha256 for r in results])
                      .values_list("sha256", flat=True))
        run = IngestionRun.objects.create(
            dataset=dataset, run_id=f"{timefmt.local(clock.now()):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}", started_at=clock.now(),
            pid=_pid(), is_demo=is_demo, checksum=_combined([r.sha256 for r in results]),
            files=[{"name": r.path.name, "sha256": r.sha256, "size": r.size, "duplicate": r.sha256 in already}
                   for r in results])
        todo = [r for r in results if r.sha256 not in already]
        if not todo:
            with transaction.atomic():
                run.state, run.finished_at = IngestionRun.State.DUPLICATE, clock.now()
                run.save()
                record_audit(actor, "consumption.ingest.duplicate", run, note="文件已入库过（校验和相同），未作改动")
            return run
        work = storage.data_dir() / "staging" / run.run_id
        work.mkdir(parents=True, exist_ok=True)
        try:
            con = engine.connect(work)
            try:
                staged, update = _stage(con, kind, run.run_id, todo, work, progress, is_demo)
            finally:
                con.close()
            _complete(run, staged, update, actor)
        except Exception as exc:
            message = str(exc) if isinstance(exc, (engine.IngestError, ActionRefused)) else \
                f"{type(exc).__name__}: {exc}"
            IngestionRun.objects.filter(pk=run.pk).update(
                state=IngestionRun.State.FAILED, finished_at=clock.now(),
                error=message + ("" if isinstance(exc, engine.IngestError) else "\n" + traceback.format_exc()))
            storage.collect_garbage()  # the run's unpublished files
            if isinstance(exc, engine.IngestError):
                raise ActionRefused(message) from exc
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if kind != "merchants" and run.months:
        from .calendar import do_ensure_calendar

        first, last = run.months[0], run.months[-1]
        do_ensure_calendar(_month_start(first), _month_end(last), actor=actor)
    return run


def _stage(con, kind, run_id, todo, work, progress, is_demo):
    """Write everything of the run (unpublished) and return (Staged, manifest update function)."""
    if kind == "merchants":
        staged = ingest_merchants.stage_merchants(con, run_id, todo, work, progress)
        manifest = storage.read_manifest()
        deltas = [storage.data_dir() / rel for rel in manifest["files"].get("merchant_runs", [])] + staged.staged
        snapshot = storage.data_dir() / "merchants" / f"snapshot-{run_id}.parquet"
        demo_snapshot = is_demo or any(r.get("demo") for r in manifest["runs"].values() if r["kind"] == "merchants")
        ingest_merchants.merge_merchant_snapshot(con, deltas, snapshot, demo_snapshot)

        def update(m):
            m["files"]["merchant_runs"] = m["files"].get("merchant_runs", []) + [storage.relative(p) for p in
                                                                                 staged.staged]
            m["files"]["merchants"] = [storage.relative(snapshot)]
        return staged, update
    staged = engine.stage_rows(con, kind, run_id, todo, work, progress)
    built = rollups.build(con, run_id, staged.staged, work / "rollups", merge_existing=True,
                          is_demo=is_demo) if kind == "transactions" else {}

    def update(m):
        m["files"][kind] = sorted(m["files"][kind] + [storage.relative(p) for p in staged.staged])
        if built:
            rollups.apply_to_manifest(m, built)
    return staged, update


def _complete(run: IngestionRun, staged: engine.Staged, update, actor) -> None:
    by_sha = {f.sha256: f for f in staged.files}
    run_record = {
        "kind": staged.kind, "demo": staged.is_demo, "raw": [storage.relative(p) for p in staged.staged],
        "files": [{"name": f.path.name, "sha256": f.sha256, "size": f.size, "rows_read": f.rows_read,
                   "rows_accepted": f.rows_accepted, "rows_rejected": f.rows_rejected} for f in staged.files],
    }

    def manifest_update(m):
        update(m)
        m["runs"][run.run_id] = run_record

    with transaction.atomic():
        run.state, run.finished_at = IngestionRun.State.COMPLETE, clock.now()
        run.rows_read, run.rows_accepted, run.rows_rejected = staged.rows_read, staged.rows_accepted, \
            staged.rows_rejected
        run.rejects_path = str(staged.rejects_path or "")
        run.months = staged.months
        run.files = [{**entry, **({k: v for k, v in vars(by_sha[entry["sha256"]]).items()
                                   if k.startswith("rows_")} if entry["sha256"] in by_sha else {})}
                     for entry in run.files]
        run.save()
        _record_files(run, run_record)
        record_audit(actor, "consumption.ingest.complete", run,
                     after={"rows_accepted": run.rows_accepted, "rows_rejected": run.rows_rejected,
                            "months": run.months},
                     note=f"入库 {run.rows_accepted} 行，拒收 {run.rows_rejected} 行")
        storage.publish(manifest_update)  # last: if this raises, nothing above is committed


def _record_files(run: IngestionRun, record: dict) -> None:
    IngestedFile.objects.bulk_create([
        IngestedFile(kind=record["kind"], sha256=f["sha256"], name=f["name"][:500], size=f["size"],
                     rows_read=f["rows_read"], rows_accepted=f["rows_accepted"], rows_rejected=f["rows_rejected"],
                     run=run, is_demo=run.is_demo)
        for f in record["files"]])


def _settle_crashed_runs() -> None:
    """Runs left ``running`` by a dead process (we hold the writer lock, so none is alive): complete when the
    manifest already lists them, failed otherwise."""
    manifest = storage.read_manifest()
    for run in IngestionRun.objects.filter(state=IngestionRun.State.RUNNING):
        record = manifest["runs"].get(run.run_id)
        with transaction.atomic():
            if record:
                run.state, run.finished_at = IngestionRun.State.COMPLETE, run.finished_at or clock.now()
                run.rows_read = sum(f["rows_read"] for f in record["files"])
                run.rows_accepted = sum(f["rows_accepted"] for f in record["files"])
                run.rows_rejected = sum(f["rows_rejected"] for f in record["files"])
                run.save()
                if not run.ingested_files.exists():
                    _record_files(run, record)
            else:
                run.state, run.finished_at = IngestionRun.State.FAILED, clock.now()
                run.error = run.error or "进程中断，本批次未生效（数据保持上一次完成时的状态）"
                run.save()


def _dataset(kind: str, name: str | None, source: str | None, is_demo: bool) -> Dataset:
    default_name, default_source = DEFAULT_DATASETS[kind]
    name = name or (f"{default_name}（示例）" if is_demo else default_name)
    dataset, _ = Dataset.objects.get_or_create(
        kind=kind, name=name, defaults={"source": source or ("合成示例数据" if is_demo else default_source),
                                        "is_demo": is_demo})
    return dataset


def _combined(digests: list[str]) -> str:
    import hashlib

    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()


def _pid() -> int:
    import os

    return os.getpid()


def _month_start(month: str):
    import datetime as dt

    return dt.date(int(month[:4]), int(month[5:7]), 1)


def _month_end(month: str):
    import calendar
    import datetime as dt

    year, mon = int(month[:4]), int(month[5:7])
    return dt.date(year, mon, calendar.monthrange(year, mon)[1])


def do_rebuild_rollups(*, actor=None) -> dict[str, int]:
    """Recompute every rollup month from the visible raw transactions and the current merchant snapshot (needed
    after merchant attributes such as 首店 tier or 老字号 change). Returns {kind: months written}."""
    policy.check_actor(actor, "consumption.manage_data")
    with storage.writer_lock():
        storage.collect_garbage()
        run_id = f"rebuild-{timefmt.local(clock.now()):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
        work = storage.data_dir() / "staging" / run_id
        work.mkdir(parents=True, exist_ok=True)
        try:
            built = _rebuild(run_id, work)
            with transaction.atomic():
                record_audit(actor, "consumption.rollups.rebuilt", None,
                             after={k: sorted(v) for k, v in built.items()}, note="按当前商户名录重算汇总表")
                storage.publish(lambda m: rollups.apply_to_manifest(m, built, replace_all=True))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return {kind: len(v) for kind, v in built.items()}


def _rebuild(run_id: str, work: Path) -> dict[str, dict[str, Path]]:
    con = engine.connect(work)
    try:
        engine.load_merchant_lookups(con)
        files = storage.visible_files("transactions")
        manifest = storage.read_manifest()
        is_demo = any(r.get("demo") for r in manifest["runs"].values() if r["kind"] == "transactions")
        return rollups.build(con, run_id, files, work / "rollups", merge_existing=False, is_demo=is_demo)
    finally:
        con.close()


def do_remove_demo_data(*, actor=None) -> int:
    """Take every run made from synthetic (示例) files out of the lake and the catalogue; rollups and the merchant
    snapshot are rebuilt from what remains. Returns the number of runs removed."""
    policy.check_actor(actor, "consumption.manage_data")
    with storage.writer_lock():
        manifest = storage.read_manifest()
        demo_runs = {rid for rid, r in manifest["runs"].items() if r.get("demo")}
        demo_files = {rel for rid in demo_runs for rel in manifest["runs"][rid]["raw"]}

        def drop(m):
            for kind in list(m["files"]):
                m["files"][kind] = [rel for rel in m["files"][kind] if rel not in demo_files]
            for rid in demo_runs:
                m["runs"].pop(rid, None)

        storage.publish(drop)
        run_id = f"undemo-{uuid.uuid4().hex[:8]}"
        work = storage.data_dir() / "staging" / run_id
        work.mkdir(parents=True, exist_ok=True)
        try:
            con = engine.connect(work)
            try:
                deltas = [storage.data_dir() / rel for rel in storage.read_manifest()["files"].get("merchant_runs", [])]
                snapshot = storage.data_dir() / "merchants" / f"snapshot-{run_id}.parquet"
                if deltas:
                    ingest_merchants.merge_merchant_snapshot(con, deltas, snapshot, False)
                storage.publish(lambda m: m["files"].__setitem__(
                    "merchants", [storage.relative(snapshot)] if deltas else []))
            finally:
                con.close()
            built = _rebuild(run_id, work)
            storage.publish(lambda m: rollups.apply_to_manifest(m, built, replace_all=True))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        with transaction.atomic():
            IngestedFile.objects.filter(is_demo=True).delete()
            count = IngestionRun.objects.filter(is_demo=True).count()
            IngestionRun.objects.filter(is_demo=True).delete()
            Dataset.objects.filter(is_demo=True, runs__isnull=True).delete()
            record_audit(actor, "consumption.demo.removed", None, after={"runs": count}, note="移除示例数据")
        storage.collect_garbage(grace=0)
    return count
