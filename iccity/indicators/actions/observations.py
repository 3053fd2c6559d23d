"""Importing observations from a file (or a JSON push): check everything first, then write all rows in one
transaction or nothing at all.

- Any error → nothing is written and the outcome carries the report (``created == 0``); the page shows the list.
  We return rather than raise because the list of problems *is* the answer the caller needs.
- The release is reused when title + publisher + published date match one already stored, so re-importing the
  same file finds every row identical (``unchanged``), creates nothing and records no audit event: a no-op import
  leaves no trace, like re-importing a plan with the same SHA-256.
- A changed value for a release that already has one is refused (``already_stored``): a revision is a new release.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction

from iccity.core import policy
from iccity.core.actions import ActionRefused, record_audit

from ..importing import ImportReport, RowError, Table, read_table, validate
from ..models import Observation, Release

AUDIT_ACTION = "indicators.observations.imported"


@dataclass
class ImportOutcome:
    report: ImportReport
    created: int = 0
    unchanged: int = 0
    release: Release | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.report.ok


def do_import_observations(data: bytes, filename: str, *, release_fields: dict, actor=None,
                           dry_run: bool = False) -> ImportOutcome:
    """Import an xlsx/csv table (see ``importing``). ``dry_run`` checks and counts without writing."""
    table = read_table(data, filename)
    source = {"file": Path(filename or "").name[:200], "sha256": hashlib.sha256(data).hexdigest()}
    return _import(table, release_fields, actor=actor, dry_run=dry_run, source=source, note=f"文件导入：{source['file']}")


def do_push_observations(rows: list[dict], *, release_fields: dict, actor=None, dry_run: bool = False,
                         source_label: str = "") -> ImportOutcome:
    """The same import for rows pushed as JSON by another system; rows are numbered 1… in the order given."""
    table = Table({**row, "_row": i} for i, row in enumerate(rows, start=1))
    known = {"code", "area", "period", "breakdown_kind", "breakdown_value", "value", "growth_rate", "cumulative", "note"}
    for name in sorted({k for row in rows for k in row} - known):
        table.warnings.append(RowError(0, name, "unknown_column", f"未知字段“{name}”，该字段内容不会导入"))
    if not rows:
        table.problems.append(RowError(0, "rows", "no_rows", "没有数据行"))
    payload = json.dumps({"release": release_fields, "rows": rows}, ensure_ascii=False, sort_keys=True, default=str)
    source = {"file": "api", "sha256": hashlib.sha256(payload.encode()).hexdigest(), "system": source_label}
    return _import(table, release_fields, actor=actor, dry_run=dry_run, source=source,
                   note=f"接口推送：{source_label or '未命名系统'}")


def _import(table: Table, release_fields: dict, *, actor, dry_run: bool, source: dict, note: str) -> ImportOutcome:
    # The one check of both do_import_observations and do_push_observations (the API key's pushes are the system).
    policy.check_actor(actor, "indicators.import_data")
    try:
        with transaction.atomic():
            # Validation reads the release's stored rows: inside the transaction, so the check and the write agree.
            report = validate(table, release_fields=release_fields)
            if not report.ok:
                return ImportOutcome(report, release=report.release, dry_run=dry_run)
            if dry_run:
                return ImportOutcome(report, unchanged=report.unchanged, release=report.release, dry_run=True)
            new_rows = [r for r in report.valid_rows if r.existing_id is None]
            release = report.release
            if not new_rows:
                return ImportOutcome(report, unchanged=report.unchanged, release=release)
            release_created = release is None
            if release is None:
                fields = report.release_fields
                release = Release.objects.create(
                    title=fields["title"], publisher=fields["publisher"], published_on=fields["published_on"],
                    status=fields["status"], url=fields["url"], confidence=fields["confidence"], note=fields["note"],
                    created_by=actor if getattr(actor, "is_authenticated", False) else None)
            Observation.objects.bulk_create([
                Observation(indicator=r.indicator, release=release, area=r.area, period=r.period,
                            period_end=r.period_end, breakdown_kind=r.breakdown_kind,
                            breakdown_value=r.breakdown_value, value=r.value, growth_rate=r.growth_rate,
                            is_cumulative=r.is_cumulative, note=r.note)
                for r in new_rows])
            record_audit(actor, AUDIT_ACTION, release, after={
                **source, "rows": report.total_rows, "created": len(new_rows), "unchanged": report.unchanged,
                "release_created": release_created,
                "indicators": sorted({r.indicator.code for r in new_rows})},
                note=f"{note}；新增{len(new_rows)}条，未变{report.unchanged}条")
    except IntegrityError:
        # Two uploads of the same rows at the same moment: the loser writes nothing and can simply retry.
        raise ActionRefused("同一批数据正在被另一次导入写入，本次未写入任何数据，请稍后重新上传") from None
    return ImportOutcome(report, created=len(new_rows), unchanged=report.unchanged, release=release)
