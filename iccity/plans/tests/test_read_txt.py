"""Plain-text plans: encodings, line endings, the seed plan."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from iccity.plans.parsing.readers import DocumentText, read_bytes, read_document
from iccity.core.textutil import chinese_score

SEED = Path(__file__).resolve().parents[3] / "data" / "xiqing-icc-action-plan-2023-2027.txt"
SAMPLE = "一、工作目标\n到2025年，我区国际知名度全面提升。\n\n（一）提升载体能级\n1.做强区域核心商圈。（责任单位：区商务局、中北镇）\n"
SAMPLE_LINES = SAMPLE.split("\n")[:-1]


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed plan missing: {SEED}")
    return SEED.read_text(encoding="utf-8")


def test_utf8(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(SAMPLE.encode("utf-8"))
    doc = read_document(path)
    assert isinstance(doc, DocumentText)
    assert (doc.lines, doc.source_format, doc.encoding, doc.notes) == (SAMPLE_LINES, "txt", "utf-8", [])


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"))
    doc = read_document(path)
    assert doc.encoding == "utf-8-sig"
    assert doc.lines == SAMPLE_LINES  # no BOM left on the first line


@pytest.mark.parametrize("codec", ["gbk", "gb18030", "gb2312"])
def test_gbk_family_is_read_as_gb18030(tmp_path, codec):
    path = tmp_path / "plan.txt"
    path.write_bytes(SAMPLE.encode(codec))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert doc.lines == SAMPLE_LINES
    assert "检测到GB18030编码" in doc.notes


def test_short_gbk_text_with_rare_characters():
    # 璇 and 筝 are level-2 (rare) GB2312 hanzi: two of them in a short text must not cause a refusal.
    text = "张璇弹古筝。"
    assert read_bytes(text.encode("gbk"), "note.txt").lines == [text]


def test_gb18030_four_byte_characters(tmp_path):
    # "〇" is outside GB2312 and "㐀" needs a four-byte GB18030 sequence: both must survive.
    text = "二〇二三年十二月，西青区（㐀字测试）加快建设国际消费中心城市。\n"
    doc = read_bytes(text.encode("gb18030"), "plan.txt")
    assert doc.encoding == "gb18030"
    assert doc.lines == [text.rstrip("\n")]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[codec]
    doc = read_bytes(bom + SAMPLE.encode(codec), "plan.txt")
    assert doc.encoding == "utf-16"
    assert doc.lines == SAMPLE_LINES


def test_utf16_without_bom_is_accepted_when_it_reads_as_chinese():
    doc = read_bytes(SAMPLE.encode("utf-16-le"), "plan.txt")
    assert doc.encoding == "utf-16"
    assert doc.lines == SAMPLE_LINES
    assert any("UTF-16" in note for note in doc.notes)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings_are_normalised(newline):
    doc = read_bytes(SAMPLE.replace("\n", newline).encode("utf-8"), "plan.txt")
    assert doc.lines == SAMPLE_LINES
    assert not any("\r" in line or "\n" in line for line in doc.lines)


def test_mixed_line_endings_and_no_final_newline():
    doc = read_bytes("甲\r\n乙\r丙\n\n丁".encode(), "plan.txt")
    assert doc.lines == ["甲", "乙", "丙", "", "丁"]


def test_blank_lines_and_indentation_are_kept():
    doc = read_bytes("  标题\n\n\n　　正文\n".encode(), "plan.txt")
    assert doc.lines == ["  标题", "", "", "　　正文"]


def test_content_decides_not_extension():
    doc = read_bytes(SAMPLE.encode("utf-8"), "plan.pdf")
    assert doc.source_format == "txt"
    assert doc.lines == SAMPLE_LINES
    assert any(".pdf" in note for note in doc.notes)


def test_text_starting_with_letters_that_look_like_a_magic_number():
    # "BM" starts BMP images and "MZ" Windows executables: ordinary text may start the same way.
    for text in ("BMW汽车城项目。\n", "MZ工作组。\n"):
        assert read_bytes(text.encode("utf-8"), "plan.txt").lines == [text.rstrip("\n")]


def test_seed_plan(seed_text):
    doc = read_document(SEED)
    assert doc.encoding == "utf-8"
    assert doc.lines == seed_text.splitlines()
    assert doc.lines[0].strip().startswith("各镇人民政府")


def test_seed_plan_in_gbk_reads_identically(seed_text, tmp_path):
    path = tmp_path / "plan-gbk.txt"
    path.write_bytes(seed_text.encode("gbk"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert doc.lines == seed_text.splitlines()


def test_read_bytes_equals_read_document(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(SAMPLE.encode("gbk"))
    assert read_bytes(path.read_bytes(), "plan.txt") == read_document(str(path))


def test_chinese_score_separates_chinese_from_misdecoded_text(seed_text):
    common, rare, total, hanzi = chinese_score(seed_text)
    assert common > 0.99 and rare < 0.01 and total > hanzi > 5000
    japanese = "国際消費都市の建設を加速するための行動計画について、各区役所はこれを実施してください。"
    common, *_ = chinese_score(japanese.encode("shift_jis").decode("gb18030", errors="replace"))
    assert common < 0.5
    # Latin-1 accented letters in pairs decode to GB2312 hanzi, but mostly to rare ones.
    common, rare, *_ = chinese_score("ÀÉÎÕÜéèàâÀ".encode("latin-1").decode("gb18030"))
    assert common == 1.0 and rare > 0.3
