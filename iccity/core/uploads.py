"""Hostile Office files: one check for every zip-based upload, run before any parser touches the bytes.

Why: a 165 KB .xlsx that claims 4 M cells took 45 s and 1.6 GB in the 台账 import, and a 1 MB template that expands to
1 GiB peaked at 3.3 GB. xlsx, docx, templates, indicator workbooks, plan files and Office evidence are zips, so before
openpyxl / python-docx / docxtpl open one, ``check_zip`` reads only the zip's directory and refuses too many entries,
too many uncompressed bytes in total, and entries that expand far more than real documents do. Python's zipfile never
inflates an entry past the size its directory declares, so the declared sizes bound what a parser can be fed.

Workbooks are then read streaming (``open_workbook``: openpyxl read_only) and ``sheet_rows`` stops at a row and a
cell cap, so a sheet whose XML is small but claims a huge range cannot make the server walk a million rows.

Limits come from ``settings.ICCITY_ZIP_LIMITS`` / ``ICCITY_SHEET_LIMITS`` (defaults below); messages are Chinese.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .actions import ActionRefused

MB = 1024 * 1024
ZIP_DEFAULTS = {
    "max_entries": 2000,  # real xlsx/docx/pptx have tens to a few hundred parts
    "max_total_bytes": 64 * MB,  # uncompressed, all entries together
    "max_ratio": 100,  # real Office XML compresses 5-30×; deflate bombs reach ~1000×
    "ratio_floor_bytes": 1 * MB,  # entries smaller than this are not judged by ratio (a tiny XML may compress 200×)
}
SHEET_DEFAULTS = {"max_rows": 50_000, "max_cells": 2_000_000, "max_columns": 200}
OFFICE_EXTENSIONS = frozenset({"docx", "xlsx", "pptx", "docm", "xlsm", "dotx", "xltx", "ofd", "zip"})


class UploadRefused(ActionRefused):
    """An upload refused before it was parsed (bomb, wrong format, too large); message in Chinese."""


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_total_bytes: int
    max_ratio: float
    ratio_floor_bytes: int


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int
    max_cells: int
    max_columns: int


def zip_limits() -> ZipLimits:
    return ZipLimits(**{**ZIP_DEFAULTS, **getattr(settings, "ICCITY_ZIP_LIMITS", {})})


def sheet_limits() -> SheetLimits:
    return SheetLimits(**{**SHEET_DEFAULTS, **getattr(settings, "ICCITY_SHEET_LIMITS", {})})


def _mb(n: int) -> str:
    if n % MB == 0:
        return f"{n // MB} MB"
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def _open(source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(source)
    if isinstance(source, (str, Path)):
        return open(source, "rb")
    return source  # a file object (an UploadedFile); the caller rewinds it


def _declared_entries(fh) -> int | None:
    """The entry count the end-of-directory record declares, read before zipfile builds one object per entry."""
    try:
        endrec = zipfile._EndRecData(fh)  # noqa: SLF001 - the only way to count entries without parsing them all
    except (OSError, ValueError):
        return None
    return endrec[zipfile._ECD_ENTRIES_TOTAL] if endrec else None  # noqa: SLF001


def check_zip(source, *, what: str = "文件", limits: ZipLimits | None = None) -> None:
    """Refuse (``UploadRefused``) a zip-based file that is not a zip or would expand beyond the limits."""
    limits = limits or zip_limits()
    fh = _open(source)
    start = fh.tell() if hasattr(fh, "tell") else 0
    try:
        declared = _declared_entries(fh)
        if declared is None:
            raise UploadRefused(f"{what}无法读取：不是有效的 Office 文件（zip 结构损坏），请在 Word/WPS/Excel 中另存后再上传")
        if declared > limits.max_entries:
            raise UploadRefused(f"{what}内含 {declared} 个部件，超过上限 {limits.max_entries} 个，疑似压缩炸弹，已拒绝")
        fh.seek(start)
        try:
            with zipfile.ZipFile(fh) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise UploadRefused(f"{what}无法读取：不是有效的 Office 文件（zip 结构损坏），请在 Word/WPS/Excel 中另存后再上传") from None
        if len(infos) > limits.max_entries:
            raise UploadRefused(f"{what}内含 {len(infos)} 个部件，超过上限 {limits.max_entries} 个，疑似压缩炸弹，已拒绝")
        total = sum(info.file_size for info in infos)
        if total > limits.max_total_bytes:
            raise UploadRefused(f"{what}解压后共 {_mb(total)}，超过上限 {_mb(limits.max_total_bytes)}，"
                                "疑似压缩炸弹，已拒绝；请删除多余内容或拆分后再上传")
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
                raise UploadRefused(f"{what}中的“{info.filename[:80]}”压缩比达 {ratio:.0f} 倍（上限 {limits.max_ratio:.0f} 倍），"
                                    "疑似压缩炸弹，已拒绝")
    finally:
        if isinstance(source, (str, Path)):
            fh.close()
        elif hasattr(fh, "seek"):
            fh.seek(start)


def is_office_zip(extension: str) -> bool:
    return extension.lower().lstrip(".") in OFFICE_EXTENSIONS


def open_workbook(data, *, what: str = "工作簿"):
    """A streaming (read_only, values) openpyxl workbook of a checked zip; the caller closes it (``wb.close()``)."""
    from openpyxl import load_workbook

    check_zip(data, what=what)
    return load_workbook(_open(data), read_only=True, data_only=True)


def sheet_rows(ws, *, max_col: int | None = None, limits: SheetLimits | None = None,
               what: str = "工作表") -> Iterator[tuple]:
    """Value tuples of a (read-only) sheet, refusing once it passes the row or cell cap.

    The sheet's own ``dimension`` may lie (a tiny file claiming A1:XFD1048576), so columns are capped too."""
    limits = limits or sheet_limits()
    width = min(max_col or limits.max_columns, limits.max_columns)
    cells = 0
    for number, row in enumerate(ws.iter_rows(max_col=width, values_only=True), start=1):
        if number > limits.max_rows:
            raise UploadRefused(f"{what}超过 {limits.max_rows} 行的上限，已停止读取；请拆分后分批导入")
        cells += len(row)
        if cells > limits.max_cells:
            raise UploadRefused(f"{what}超过 {limits.max_cells} 个单元格的上限，已停止读取；请删除多余内容后再导入")
        yield row
