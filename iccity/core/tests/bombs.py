"""Hostile Office files for tests, generated on the fly (nothing binary is committed), and a process-memory probe.

``peak_growth`` measures what a call really costs the process: the kernel's peak resident set (VmHWM, reset through
/proc/self/clear_refs) minus the resident set before the call, plus tracemalloc's peak of Python allocations — lxml's
C allocations are invisible to tracemalloc, so RSS is the figure that catches a parser holding an inflated file."""
from __future__ import annotations

import gc
import io
import tracemalloc
import zipfile
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                  'wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')


def _stream(archive: zipfile.ZipFile, name: str, head: bytes, unit: bytes, repeat: int, tail: bytes) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED  # a bare ZipInfo would be stored, not deflated
    with archive.open(info, "w", force_zip64=True) as fh:
        fh.write(head)
        block = unit * max(1, (1 * MB) // len(unit))
        written = 0
        while written + len(block) // len(unit) <= repeat:
            fh.write(block)
            written += len(block) // len(unit)
        fh.write(unit * (repeat - written))
        fh.write(tail)


def docx_bomb(expanded_bytes: int = 100 * MB) -> bytes:
    """A valid-looking .docx (~0.3 MB) whose document.xml inflates to ``expanded_bytes``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        unit = b"<w:p><w:r><w:t>{{ title }}</w:t></w:r></w:p>"
        head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.'
                b'openxmlformats.org/wordprocessingml/2006/main"><w:body>')
        _stream(archive, "word/document.xml", head, unit, expanded_bytes // len(unit), b"</w:body></w:document>")
    return buffer.getvalue()


def xlsx_cells_bomb(cells: int = 4_000_000, sheet: str = "台账") -> bytes:
    """A small .xlsx whose sheet really holds ``cells`` cells (the review's 165 KB / 4 M-cell file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _workbook_parts(archive, [sheet, "元数据"])
        per_row = 20
        row = b"<row>" + b"<c><v>1</v></c>" * per_row + b"</row>"
        head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/' \
               b'spreadsheetml/2006/main"><sheetData>'
        _stream(archive, "xl/worksheets/sheet1.xml", head, row, cells // per_row, b"</sheetData></worksheet>")
        archive.writestr("xl/worksheets/sheet2.xml", _sheet_xml(b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t>'
                                                                b'</is></c><c r="B1" t="inlineStr"><is><t>tok</t></is></c></row>'))
    return buffer.getvalue()


def xlsx_sparse_claim(last_row: int = 1_000_000, sheet: str = "台账", header: list[str] | None = None) -> bytes:
    """A tiny .xlsx (a few KB, ratio and size unremarkable) whose only data cell sits at row ``last_row`` under a
    dimension claiming A1:XFD{last_row}: a reader that walks the claimed range walks millions of rows."""
    buffer = io.BytesIO()
    cells = b"".join(b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i).encode(), h.encode())
                     for i, h in enumerate(header or []))
    body = (b'<dimension ref="A1:XFD%d"/><sheetData><row r="1">' % last_row + cells
            + b'</row><row r="%d"><c r="A%d"><v>1</v></c></row></sheetData>' % (last_row, last_row))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _workbook_parts(archive, [sheet, "元数据"])
        archive.writestr("xl/worksheets/sheet1.xml", _sheet_xml(body, raw=True))
        archive.writestr("xl/worksheets/sheet2.xml", _sheet_xml(b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t>'
                                                                b'</is></c><c r="B1" t="inlineStr"><is><t>tok</t></is></c></row>'))
    return buffer.getvalue()


def _sheet_xml(rows: bytes, raw: bool = False) -> bytes:
    inner = rows if raw else b"<sheetData>" + rows + b"</sheetData>"
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main">' + inner + b"</worksheet>")


def _workbook_parts(archive: zipfile.ZipFile, sheets: list[str]) -> None:
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                        f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
    archive.writestr("[Content_Types].xml",
                     '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                     '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                     'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                     '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                     f'spreadsheetml.sheet.main+xml"/>{overrides}</Types>')
    archive.writestr("_rels/.rels",
                     '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                     'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                     'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    entries = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, start=1))
    archive.writestr("xl/workbook.xml",
                     '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
                     'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                     f'relationships"><sheets>{entries}</sheets></workbook>')
    rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    archive.writestr("xl/_rels/workbook.xml.rels",
                     '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                     f'package/2006/relationships">{rels}</Relationships>')


@dataclass
class Measured:
    outcome: object  # the return value, or the exception raised
    rss_growth: int  # peak resident set during the call minus the resident set before it, bytes
    traced_peak: int  # tracemalloc's peak of Python allocations during the call, bytes


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def peak_growth(fn, *args, **kwargs) -> Measured:
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM (the peak RSS) to the current RSS
    before = _status("VmRSS")
    tracemalloc.start()
    try:
        try:
            outcome = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the refusal is what the caller inspects
            outcome = exc
        _, traced = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Measured(outcome=outcome, rss_growth=_status("VmHWM") - before, traced_peak=traced)


class MultipartStream:
    """A multipart/form-data body of ``size`` file bytes, produced as it is read (never held whole), to feed the
    WSGI handler as a real client would. ``read_total`` says how much the server read; ``fail_after`` simulates a
    client that disconnects (the read raises) after that many bytes."""

    BOUNDARY = "----iccityBoundary7MA4YWxkTrZu0gW"

    def __init__(self, size: int, filename: str = "big.pdf", field: str = "file", fields: dict | None = None,
                 fail_after: int | None = None):
        parts = b"".join(
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in (fields or {}).items()
            for v in (v if isinstance(v, list) else [v]))
        self.head = parts + (f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
                             f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n').encode()
        self.head += b"%PDF-1.4\n"
        self.tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size + len(self.tail)
        self.read_total = 0
        self.fail_after = fail_after

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.BOUNDARY}"

    def _byte(self, offset: int, n: int) -> bytes:
        head_end, body_end = len(self.head), len(self.head) + self.size
        out = b""
        if offset < head_end:
            out += self.head[offset:offset + n]
        if len(out) < n and offset + len(out) < body_end:
            start = offset + len(out) - head_end
            out += b"x" * min(n - len(out), self.size - start)
        if len(out) < n and offset + len(out) >= body_end:
            start = offset + len(out) - body_end
            out += self.tail[start:start + n - len(out)]
        return out

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.length - self.read_total
        if self.fail_after is not None and self.read_total >= self.fail_after:
            raise OSError("client disconnected")
        data = self._byte(self.read_total, min(n, self.length - self.read_total))
        self.read_total += len(data)
        return data

    def readline(self, limit: int = -1) -> bytes:  # not used by the multipart parser; kept for the WSGI contract
        return self.read(limit if limit and limit > 0 else 65536)

    def environ(self, path: str) -> dict:
        return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "CONTENT_TYPE": self.content_type,
                "CONTENT_LENGTH": str(self.length), "wsgi.input": self}
