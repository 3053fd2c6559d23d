"""Evidence files (佐证材料): type and size from the rule table, content checked against the claimed type, stored
once under its SHA-256 outside the web root, never executed or served inline."""
from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from iccity.core import clock
from iccity.core.actions import ActionRefused, record_audit

from ..models import Evidence, EvidenceFile, Report
from ..permissions import Perm, Scope
from ..rules import EVIDENCE, rule_value
from .reports import _guard, _lock, _require_open, current_draft

# What each allowed extension must look like inside. OOXML files are zips with a known main part.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "txt": "text/plain", "csv": "text/csv", "ofd": "application/ofd", "zip": "application/zip",
}
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
_ZIP_BASED = frozenset({"docx", "xlsx", "pptx", "ofd", "zip"})
_ACTIVE_MARKERS = (b"<script", b"<html", b"<!doctype html", b"<svg", b"<?php", b"#!/")


def detect_type(data: bytes, extension: str) -> str | None:
    """The media type when the content really is of the claimed kind, else None."""
    head = data[:1024]
    if extension == "pdf":
        return MEDIA_TYPES["pdf"] if head.startswith(b"%PDF-") else None
    if extension in ("jpg", "jpeg"):
        return MEDIA_TYPES["jpg"] if head.startswith(b"\xff\xd8\xff") else None
    if extension == "png":
        return MEDIA_TYPES["png"] if head.startswith(b"\x89PNG\r\n\x1a\n") else None
    if extension in ("docx", "xlsx", "pptx", "ofd", "zip"):
        if not head.startswith(b"PK\x03\x04"):
            return None
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if extension in _OOXML_PART:
            # A macro-enabled document (.docm/.xlsm, even renamed) carries a VBA project: refuse it.
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            return MEDIA_TYPES[extension] if _OOXML_PART[extension] in names else None
        if extension == "ofd":
            return MEDIA_TYPES["ofd"] if "OFD.xml" in names else None
        return MEDIA_TYPES["zip"]
    if extension in ("txt", "csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                return None
        # The whole text, not a prefix: a script can sit anywhere.
        lowered = text.lower()
        if "\x00" in text or any(marker.decode() in lowered for marker in _ACTIVE_MARKERS):
            return None
        return MEDIA_TYPES[extension]
    return None


def evidence_path(file: EvidenceFile) -> Path:
    return Path(settings.MEDIA_ROOT) / file.relative_path


def _store(data: bytes, extension: str, media_type: str) -> EvidenceFile:
    digest = hashlib.sha256(data).hexdigest()
    existing = EvidenceFile.objects.filter(sha256=digest).first()
    if existing:
        if not evidence_path(existing).exists():  # a row whose file went missing gets its file back
            _write(evidence_path(existing), data)
        return existing
    record = EvidenceFile(sha256=digest, size=len(data), media_type=media_type, extension=extension)
    path = evidence_path(record)
    if not path.exists():
        _write(path, data)
    try:
        # Two people uploading the same file at once: in a savepoint the loser of the unique key uses the winner's
        # row instead of breaking the whole transaction.
        with transaction.atomic():
            record.save()
    except IntegrityError:
        return EvidenceFile.objects.get(sha256=digest)
    return record


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # A per-writer temporary name, so two writers of the same content never share a half-written ".part".
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a reader never sees half a file
    finally:
        # a failed write (disk full, interrupted) leaves no partial file; a killed process's ".part" is removed by
        # `iccity sweep_uploads` (core.upload_handlers)
        tmp.unlink(missing_ok=True)


@transaction.atomic
def do_attach_evidence(report: Report, filename: str, data: bytes, *, scope: Scope) -> Evidence:
    from ..models import ReportState

    report = _lock(report)
    _guard(report, scope, Perm.EDIT_REPORT, {ReportState.DRAFT, ReportState.RETURNED})
    _require_open(report, clock.today())
    policy = rule_value(EVIDENCE, clock.today())
    name = Path(filename).name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in policy["types"] or extension not in MEDIA_TYPES:
        raise ActionRefused(f"不支持的文件类型“{extension or '无扩展名'}”，允许：{'、'.join(policy['types'])}")
    if not data:
        raise ActionRefused("文件为空")
    if len(data) > policy["max_bytes"]:
        raise ActionRefused(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {policy['max_bytes'] // 1024 // 1024} MB")
    if extension in _ZIP_BASED and zipfile.is_zipfile(io.BytesIO(data)):
        from iccity.core import uploads

        uploads.check_zip(data, what=f"佐证材料“{name[:60]}”")  # a bomb is refused before anything opens it
    media_type = detect_type(data, extension)
    if media_type is None:
        raise ActionRefused(f"文件内容与扩展名 .{extension} 不符，可能是改了扩展名的其他文件，请上传真实的 {extension} 文件")
    revision = current_draft(report, scope=scope)
    if revision.evidence.count() >= policy["max_files_per_revision"]:
        raise ActionRefused(f"每份报告最多 {policy['max_files_per_revision']} 个佐证材料")
    stored = _store(data, extension, media_type)
    evidence = Evidence.objects.create(revision=revision, file=stored, original_name=name[:255], uploaded_by=scope.user)
    record_audit(scope.user, "delivery.evidence.attached", report,
                 after={"file": name, "sha256": stored.sha256, "size": stored.size, "revision": revision.number})
    return evidence


@transaction.atomic
def do_remove_evidence(evidence: Evidence, *, scope: Scope) -> None:
    """Remove evidence from the draft; the stored file stays (earlier revisions may use it)."""
    from ..models import ReportState

    report = _lock(evidence.revision.report)
    _guard(report, scope, Perm.EDIT_REPORT, {ReportState.DRAFT, ReportState.RETURNED})
    # Frozenness from the database, not the caller's instance: an instance loaded before the report was submitted
    # would still say "not frozen".
    evidence = Evidence.objects.select_related("revision").get(pk=evidence.pk)
    if evidence.revision.is_frozen:
        raise ActionRefused("已提交版本的佐证材料不能删除")
    record_audit(scope.user, "delivery.evidence.removed", report, before={"file": evidence.original_name})
    evidence.delete()


def can_download(scope: Scope, evidence: Evidence) -> bool:
    from ..permissions import allowed

    return allowed(scope, Perm.VIEW_REPORT, evidence.revision.report)


