"""Read a plan document (.txt / .docx / .pdf) into text lines for the structure parser.

The format is decided by the content (magic bytes) first and the file name second, because uploads are often
misnamed (a .doc that is really .docx, a .txt saved as .pdf). Every failure is a PlanReadError whose Chinese
message says what was wrong and whose ``found`` says what was seen instead.
"""
from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, field

from iccity.core.textutil import NotText, UnknownEncoding, decode_text, looks_binary, split_lines

from ..errors import PlanReadError

__all__ = ["DocumentText", "MAX_BYTES", "PlanReadError", "read_bytes", "read_document"]

MAX_BYTES = 20 * 1024 * 1024

_NOT_RECOGNISED = "不是可识别的文本、Word或PDF文件，请上传 .txt、.docx 或 .pdf 文件"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# (magic prefix, description) for binary kinds we can name in the error message.
_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG图片"),
    (b"\xff\xd8\xff", "JPEG图片"),
    (b"GIF87a", "GIF图片"),
    (b"GIF89a", "GIF图片"),
    (b"BM", "BMP图片"),
    (b"II*\x00", "TIFF图片"),
    (b"MM\x00*", "TIFF图片"),
    (b"MZ", "Windows可执行文件（EXE/DLL）"),
    (b"\x7fELF", "ELF可执行文件"),
    (b"Rar!\x1a\x07", "RAR压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z压缩包"),
    (b"\x1f\x8b", "gzip压缩包"),
    (b"BZh", "bzip2压缩包"),
    (b"\xfd7zXZ\x00", "xz压缩包"),
    (b"OggS", "音频/视频文件"),
    (b"ID3", "MP3音频"),
    (b"\x00\x00\x00\x18ftyp", "MP4视频"),
    (b"\x00\x00\x00\x20ftyp", "MP4视频"),
    (b"SQLite format 3\x00", "SQLite数据库"),
)


@dataclass
class DocumentText:
    lines: list[str]        # one entry per line/paragraph, in reading order, no trailing newlines
    source_format: str      # "txt" | "docx" | "pdf"
    encoding: str = ""      # for txt: "utf-8", "utf-8-sig", "gb18030", "utf-16"
    notes: list[str] = field(default_factory=list)  # things worth telling the user (e.g. "检测到GB18030编码")


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _too_large(size: int) -> PlanReadError:
    return PlanReadError(
        f"文件过大（{format_size(size)}），上限为 {MAX_BYTES // 1024 // 1024} MB",
        found=f"{size} 字节",
    )


def _empty(found: str = "0 字节") -> PlanReadError:
    return PlanReadError("文件为空", found=found)


def read_document(path: str | os.PathLike) -> DocumentText:
    """Read a plan document from disk. The size is checked before the file is read into memory."""
    name = os.fspath(path)
    try:
        size = os.stat(name).st_size
    except FileNotFoundError:
        raise PlanReadError("找不到文件", found=str(name)) from None
    except OSError as exc:
        raise PlanReadError("无法读取文件", found=f"{name}：{exc.strerror or exc}") from None
    if os.path.isdir(name):
        raise PlanReadError("这是一个文件夹，不是文件", found=str(name))
    if size > MAX_BYTES:
        raise _too_large(size)
    try:
        with open(name, "rb") as fh:
            # Read one byte more than allowed: the file may have grown since stat().
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise PlanReadError("无法读取文件", found=f"{name}：{exc.strerror or exc}") from None
    return read_bytes(data, os.path.basename(name))


def read_bytes(data: bytes, filename: str) -> DocumentText:
    """Read an uploaded plan document. ``filename`` only breaks ties the content cannot settle."""
    size = len(data)
    if size > MAX_BYTES:
        raise _too_large(size)
    if size == 0:
        raise _empty()
    ext = os.path.splitext(filename or "")[1].lower()
    head = data[:1024]

    if b"%PDF-" in head:
        from .pdf import pdf_lines
        lines, notes = pdf_lines(data)
        return DocumentText(lines=lines, source_format="pdf", notes=_ext_note(ext, ".pdf", "PDF") + notes)
    if data.startswith(b"PK\x03\x04") or (data.startswith(b"PK") and ext in (".docx", ".docm", ".dotx")):
        return _read_zip(data, ext)
    if data.startswith(_OLE_MAGIC):
        raise _ole_error(data, ext)
    if data.startswith(b"{\\rtf"):
        raise PlanReadError("不支持RTF格式，请用Word另存为 .docx", found=f"RTF文档，{format_size(size)}")
    for magic, kind in _BINARY_MAGICS:
        # Magics made of letters ("BM", "MZ") also start ordinary text: require binary content for those.
        if data.startswith(magic) and (not magic.isascii() or not magic.isalpha() or looks_binary(data)):
            raise PlanReadError(_NOT_RECOGNISED, found=f"{kind}，{format_size(size)}")
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        raise PlanReadError(_NOT_RECOGNISED, found=f"WebP图片，{format_size(size)}")

    try:
        text, encoding, notes = decode_text(data)
    except NotText:
        raise PlanReadError(_NOT_RECOGNISED, found=f"未知的二进制数据，{format_size(size)}") from None
    except UnknownEncoding as exc:
        raise PlanReadError(exc.message, found=exc.found) from None
    if not text.strip():
        raise _empty(found=f"只有空白字符，{format_size(size)}")
    notes = _ext_note(ext, ".txt", "文本") + notes
    return DocumentText(lines=split_lines(text), source_format="txt", encoding=encoding, notes=notes)


def _ext_note(ext: str, expected: str, kind: str) -> list[str]:
    # Text files come as .txt, .text, .md, .csv or without extension; only a clearly different one is worth a note.
    others = {".pdf", ".docx", ".doc", ".wps", ".txt"} - {expected}
    if ext in others:
        return [f"文件扩展名是 {ext}，但内容是{kind}文件，已按{kind}文件读取"]
    return []


def _read_zip(data: bytes, ext: str) -> DocumentText:
    size = format_size(len(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        if ext in (".docx", ".docm", ".dotx"):
            raise PlanReadError("Word文件已损坏（不是完整的.docx压缩包），请用Word打开并重新保存后再上传",
                                found=size) from None
        raise PlanReadError(_NOT_RECOGNISED, found=f"损坏的ZIP压缩包，{size}") from None

    if "word/document.xml" not in names and not any(n.startswith("word/") for n in names):
        kind = _zip_kind(archive, names)
        if ext in (".docx", ".docm", ".dotx") and kind == "ZIP压缩包":
            raise PlanReadError("Word文件已损坏（缺少正文 word/document.xml），请用Word打开并重新保存后再上传",
                                found=f"ZIP压缩包，含{len(names)}个文件")
        raise PlanReadError(_NOT_RECOGNISED, found=f"{kind}，{size}")

    from .docx import docx_lines
    lines, notes = docx_lines(archive, data)
    return DocumentText(lines=lines, source_format="docx", notes=_ext_note(ext, ".docx", "Word") + notes)


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if any(n.startswith("xl/") for n in names):
        return "Excel工作簿（.xlsx）"
    if any(n.startswith("ppt/") for n in names):
        return "PowerPoint演示文稿（.pptx）"
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace")
        except Exception:  # noqa: BLE001 - a broken member only means we cannot name the kind
            mimetype = ""
        if "opendocument.text" in mimetype:
            return "OpenDocument文档（.odt），请另存为 .docx"
        if "opendocument" in mimetype:
            return "OpenDocument文件"
    return "ZIP压缩包"


def _ole_error(data: bytes, ext: str) -> PlanReadError:
    size = format_size(len(data))
    # The OLE directory names its streams in UTF-16: Word files have a "WordDocument" stream.
    is_word = "WordDocument".encode("utf-16-le") in data[:MAX_BYTES] or ext in (".doc", ".wps", ".dot")
    if is_word:
        return PlanReadError("不支持旧版 .doc 格式，请另存为 .docx", found=f"旧版Word文档（.doc），{size}")
    if ext in (".xls", ".et") or "Workbook".encode("utf-16-le") in data:
        return PlanReadError(_NOT_RECOGNISED, found=f"旧版Excel工作簿（.xls），{size}")
    return PlanReadError(_NOT_RECOGNISED, found=f"旧版Office文件（OLE格式），{size}")
