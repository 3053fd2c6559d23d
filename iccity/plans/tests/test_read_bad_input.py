"""Bad uploads: each is refused with a Chinese message that says what was wrong and what was found."""
from __future__ import annotations

import io
import random
import zipfile

import pytest

from iccity.plans.parsing import readers
from iccity.plans.parsing.errors import PlanParseError, PlanReadError
from iccity.plans.parsing.readers import MAX_BYTES, read_bytes, read_document
from iccity.plans.tests.docfixtures import build_docx

PLAN = "一、工作目标\n到2025年，我区国际知名度全面提升。\n"


def _raises(data: bytes, filename: str) -> PlanReadError:
    with pytest.raises(PlanReadError) as info:
        read_bytes(data, filename)
    assert isinstance(info.value, PlanParseError)
    return info.value


# --- empty -----------------------------------------------------------------------------------------------------

def test_empty_file(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(b"")
    with pytest.raises(PlanReadError) as info:
        read_document(path)
    assert info.value.message == "文件为空"
    assert "0 字节" in info.value.found


@pytest.mark.parametrize("data", [
    b" \n\r\n\t  ",
    "\u3000\u3000\n".encode("utf-8"),
    "\ufeff  \n".encode("utf-8"),
    "  \r\n".encode("utf-16"),
    "\u3000\n".encode("gbk"),
])
def test_whitespace_only_is_empty(data):
    error = _raises(data, "plan.txt")
    assert error.message == "文件为空"
    assert "空白" in error.found


def test_docx_without_text_is_empty(tmp_path):
    path = build_docx(tmp_path / "empty.docx", ["", "  "], header="页眉有字但不算正文")
    with pytest.raises(PlanReadError) as info:
        read_document(path)
    assert info.value.message == "文件为空"


# --- binary junk -----------------------------------------------------------------------------------------------

def test_random_bytes():
    data = random.Random(7).randbytes(4096)
    error = _raises(data, "plan.txt")
    assert error.message.startswith("不是可识别的文本、Word或PDF文件")
    assert "4.0 KB" in error.found


@pytest.mark.parametrize("data, kind", [
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG"),
    (b"\xff\xd8\xff\xe0" + bytes(200), "JPEG"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(300), "EXE"),
    (b"\x7fELF\x02\x01\x01" + bytes(100), "ELF"),
    (b"\x1f\x8b\x08\x00" + bytes(100), "gzip"),
])
def test_known_binary_kinds_are_named(data, kind):
    error = _raises(data, "plan.docx")
    assert error.message.startswith("不是可识别的文本、Word或PDF文件")
    assert kind in error.found
    assert "字节" in error.found or "KB" in error.found


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_that_is_not_a_docx():
    error = _raises(_zip({"readme.txt": b"hello", "a/b.csv": b"1,2"}), "plan.zip")
    assert error.message.startswith("不是可识别的文本、Word或PDF文件")
    assert "ZIP" in error.found


def test_xlsx_is_named():
    error = _raises(_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), "plan.xlsx")
    assert "Excel" in error.found


def test_docx_without_document_xml():
    error = _raises(_zip({"[Content_Types].xml": b"<Types/>", "docProps/app.xml": b"<x/>"}), "plan.docx")
    assert error.message.startswith("Word文件已损坏")
    assert "word/document.xml" in error.message


def test_truncated_docx(tmp_path):
    data = build_docx(tmp_path / "plan.docx", ["一、工作目标"] * 50).read_bytes()
    error = _raises(data[: len(data) // 2], "plan.docx")
    assert error.message.startswith("Word文件已损坏")


def test_docx_with_broken_xml(tmp_path):
    data = build_docx(tmp_path / "plan.docx", ["一、工作目标"]).read_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {name: source.read(name) for name in source.namelist()}
    members["word/document.xml"] = b"<w:document><unclosed>"
    error = _raises(_zip(members), "plan.docx")
    assert error.message.startswith("Word文件已损坏")
    assert error.found


def test_old_doc_format():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(1000)
    for name in ("plan.doc", "plan.docx", "upload"):
        error = _raises(ole, name)
        assert error.message == "不支持旧版 .doc 格式，请另存为 .docx"
        assert ".doc" in error.found


def test_other_ole_file_is_not_called_a_doc():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le") + bytes(1000)
    error = _raises(ole, "plan.xls")
    assert "Excel" in error.found


def test_rtf():
    error = _raises(b"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl}}", "plan.doc")
    assert "RTF" in error.message


# --- wrong text encodings --------------------------------------------------------------------------------------

TRADITIONAL = ("為全面貫徹黨的二十大精神，貫徹落實黨中央、國務院以及市委、市政府關於培育建設國際消費中心城市的決策部署，"
               "根據總體要求，結合我區實際，制定本方案。我區國際知名度、消費繁榮度、商業活躍度全面提升。")
JAPANESE = "国際消費都市の建設を加速するための行動計画について、各区役所はこれを実施してください。東京で会議を開きました。"
FRENCH = "Le café de la gare est très agréable; où est la bibliothèque? Ça coûte cher à Zürich. ÀÉÎÕÜ éé àà ÿ"


@pytest.mark.parametrize("data", [
    TRADITIONAL.encode("big5"),
    JAPANESE.encode("shift_jis"),
    JAPANESE.encode("euc_jp"),
    FRENCH.encode("latin-1"),
    FRENCH.encode("cp1252"),
    "ÀÉÎÕÜéèàâÀÉÎÕÜéèàâ".encode("latin-1"),  # accented pairs that do decode as GB18030
    "Привет, это план на русском языке.".encode("cp1251"),
])
def test_undetectable_encodings_are_refused_not_garbled(data):
    error = _raises(data, "plan.txt")
    assert error.message.startswith("无法识别文件编码")


# --- size and path ---------------------------------------------------------------------------------------------

def test_file_over_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(int(52.4 * 1024 * 1024))  # sparse: nothing is written

    def no_open(*args, **kwargs):
        raise AssertionError("the file must not be opened")

    monkeypatch.setattr(readers, "open", no_open, raising=False)
    with pytest.raises(PlanReadError) as info:
        read_document(path)
    assert info.value.message == "文件过大（52.4 MB），上限为 20 MB"
    assert info.value.found


def test_file_at_limit_is_read(tmp_path):
    path = tmp_path / "big.txt"
    line = "（一）提升载体能级，打造区域地标商圈。\n".encode()
    path.write_bytes(line * (MAX_BYTES // len(line)))
    assert path.stat().st_size <= MAX_BYTES
    assert read_document(path).lines[0] == "（一）提升载体能级，打造区域地标商圈。"


def test_upload_over_limit():
    error = _raises(b" " * (MAX_BYTES + 1), "plan.txt")
    assert error.message == "文件过大（20.0 MB），上限为 20 MB"


def test_nonexistent_path(tmp_path):
    path = tmp_path / "nowhere" / "plan.docx"
    with pytest.raises(PlanReadError) as info:
        read_document(path)
    assert info.value.message == "找不到文件"
    assert "plan.docx" in info.value.found


def test_directory(tmp_path):
    with pytest.raises(PlanReadError) as info:
        read_document(tmp_path)
    assert "文件夹" in info.value.message


def test_error_text_combines_message_and_found():
    error = _raises(b"", "plan.txt")
    assert str(error) == "文件为空（0 字节）"


def test_valid_plan_still_reads():
    assert read_bytes(PLAN.encode("utf-8"), "plan.txt").lines == PLAN.splitlines()


def test_text_padded_with_nul_bytes_is_still_text():
    assert read_bytes(PLAN.encode("utf-8") + bytes(64), "plan.txt").lines == PLAN.splitlines()
