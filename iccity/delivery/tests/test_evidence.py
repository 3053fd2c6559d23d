"""Evidence files (佐证材料): types and limits from the rule table, content checked against the claimed type, stored
once by content hash under MEDIA_ROOT, and frozen with the revision they belong to."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest

from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError
from iccity.core.models import Rule
from iccity.delivery.actions import (
    do_attach_evidence, do_remove_evidence, do_review, do_save_draft, do_submit_report, do_unit_approve, do_unit_return,
)
from iccity.delivery.actions.evidence import can_download, evidence_path
from iccity.delivery.models import Evidence, EvidenceFile, Report, ReportRevision
from iccity.core.rules import declared_row
from iccity.delivery.rules import EVIDENCE

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50) + b"This program cannot be run in DOS mode."
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


VALID = {
    "pdf": PDF, "png": PNG, "jpg": JPG,
    "docx": zipped("[Content_Types].xml", "word/document.xml"),
    "xlsx": zipped("[Content_Types].xml", "xl/workbook.xml"),
    "pptx": zipped("[Content_Types].xml", "ppt/presentation.xml"),
    "ofd": zipped("OFD.xml", "Doc_0/Document.xml"),
    "zip": zipped("照片/1.jpg"),
    "txt": "南站商圈招商进展：签约3个项目。".encode(),
    "csv": "项目,金额\n宜家,100\n".encode("gb18030"),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def report(cast, cycle) -> Report:
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(report, {"narrative": "完成南站商圈规划初稿"}, scope=cast.scope("reporter"))
    return report


def set_policy(**changes) -> None:
    value = {**declared_row(EVIDENCE)["value"], **changes}
    Rule.objects.create(key=EVIDENCE, version=2, title="佐证材料类型与大小", value=value,
                        effective_from=dt.date(2026, 1, 1), source="测试：办公室修订")


def refused(cast, report, filename: str, data: bytes, message: str) -> None:
    before = (Evidence.objects.count(), EvidenceFile.objects.count(), ReportRevision.objects.count())
    with pytest.raises(ActionRefused) as info:
        do_attach_evidence(report, filename, data, scope=cast.scope("reporter"))
    assert info.value.message == message
    assert (Evidence.objects.count(), EvidenceFile.objects.count(), ReportRevision.objects.count()) == before


# --------------------------------------------------------------------------------------------------------------------
# Types and limits
# --------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("extension", sorted(VALID))
def test_every_type_the_rule_allows_is_accepted_when_genuine(cast, report, extension, media):
    evidence = do_attach_evidence(report, f"材料.{extension.upper()}", VALID[extension], scope=cast.scope("reporter"))
    assert evidence.original_name == f"材料.{extension.upper()}"
    assert evidence.file.extension == extension and evidence.file.size == len(VALID[extension])
    assert evidence_path(evidence.file).read_bytes() == VALID[extension]


def test_every_default_type_has_a_genuine_sample_here():
    assert set(VALID) == set(declared_row(EVIDENCE)["value"]["types"])


@pytest.mark.parametrize("filename, shown", [("setup.exe", "exe"), ("page.html", "html"), ("script.js", "js"),
                                             ("README", "无扩展名"), ("photo.jpeg", "jpeg")])
def test_types_outside_the_rule_are_refused(cast, report, filename, shown):
    allowed = "、".join(declared_row(EVIDENCE)["value"]["types"])
    refused(cast, report, filename, PDF, f"不支持的文件类型“{shown}”，允许：{allowed}")


def test_allowed_types_follow_the_rule_in_force(cast, report):
    set_policy(types=["pdf"])
    refused(cast, report, "照片.png", PNG, "不支持的文件类型“png”，允许：pdf")
    assert do_attach_evidence(report, "a.pdf", PDF, scope=cast.scope("reporter"))


def test_size_limit_comes_from_the_rule(cast, report):
    set_policy(max_bytes=1024 * 1024)
    at_limit = PDF + b"0" * (1024 * 1024 - len(PDF))
    assert do_attach_evidence(report, "正好.pdf", at_limit, scope=cast.scope("reporter"))
    refused(cast, report, "太大.pdf", at_limit + b"0", "文件过大（1.0 MB），上限为 1 MB")


def test_empty_file_is_refused(cast, report):
    refused(cast, report, "空.pdf", b"", "文件为空")


def test_too_many_files_are_refused(cast, report):
    set_policy(max_files_per_revision=2)
    do_attach_evidence(report, "1.pdf", PDF, scope=cast.scope("reporter"))
    do_attach_evidence(report, "2.png", PNG, scope=cast.scope("reporter"))
    refused(cast, report, "3.jpg", JPG, "每份报告最多 2 个佐证材料")


# --------------------------------------------------------------------------------------------------------------------
# Disguised files
# --------------------------------------------------------------------------------------------------------------------
DISGUISED = {
    "HTML renamed .pdf": ("报告.pdf", HTML),
    "EXE renamed .pdf": ("报告.pdf", EXE),
    "zip renamed .docx (no word/document.xml)": ("报告.docx", zipped("readme.txt")),
    "xlsx renamed .docx": ("报告.docx", VALID["xlsx"]),
    "macro-enabled docm renamed .docx": ("报告.docx", zipped("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")),
    "broken zip renamed .docx": ("报告.docx", b"PK\x03\x04" + bytes(40)),
    "PNG renamed .jpg": ("照片.jpg", PNG),
    "JPG renamed .png": ("照片.png", JPG),
    "EXE renamed .zip": ("材料.zip", EXE),
    "txt containing <script>": ("说明.txt", b"hello <SCRIPT>alert(1)</SCRIPT>"),
    "txt with <script> far down": ("说明.txt", ("正常内容。" * 1000 + "<script>alert(1)</script>").encode()),
    "HTML renamed .txt": ("说明.txt", HTML),
    "SVG renamed .csv": ("数据.csv", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "binary renamed .txt": ("说明.txt", b"abc\x00def"),
    "EXE renamed .txt": ("说明.txt", EXE),
}


@pytest.mark.parametrize("case", list(DISGUISED))
def test_disguised_files_are_refused(cast, report, case):
    filename, data = DISGUISED[case]
    extension = filename.rsplit(".", 1)[1]
    refused(cast, report, filename, data, f"文件内容与扩展名 .{extension} 不符，可能是改了扩展名的其他文件，请上传真实的 {extension} 文件")


def test_path_in_the_filename_is_dropped(cast, report, media):
    evidence = do_attach_evidence(report, "../../etc/规划.pdf", PDF, scope=cast.scope("reporter"))
    assert evidence.original_name == "规划.pdf"
    assert evidence_path(evidence.file).resolve().is_relative_to(media.resolve())


# --------------------------------------------------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------------------------------------------------
def test_same_content_is_stored_once_under_its_hash(cast, report, media):
    first = do_attach_evidence(report, "规划.pdf", PDF, scope=cast.scope("reporter"))
    second = do_attach_evidence(report, "规划（副本）.pdf", PDF, scope=cast.scope("head"))
    digest = hashlib.sha256(PDF).hexdigest()
    assert first.pk != second.pk and first.file_id == second.file_id
    assert EvidenceFile.objects.get().sha256 == digest
    path = media / "evidence" / digest[:2] / digest[2:4] / digest
    assert evidence_path(first.file) == path and path.read_bytes() == PDF
    assert [p for p in media.rglob("*") if p.is_file()] == [path]  # no temporary files left behind


def test_same_content_for_another_report_reuses_the_stored_file(cast, report, cycle):
    co_report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.co_unit)
    do_attach_evidence(report, "a.pdf", PDF, scope=cast.scope("reporter"))
    do_attach_evidence(co_report, "b.pdf", PDF, scope=cast.scope("co_reporter"))
    assert EvidenceFile.objects.count() == 1 and Evidence.objects.count() == 2


def test_removing_draft_evidence_keeps_the_stored_file(cast, report):
    evidence = do_attach_evidence(report, "a.pdf", PDF, scope=cast.scope("reporter"))
    do_remove_evidence(evidence, scope=cast.scope("reporter"))
    assert not Evidence.objects.exists()
    assert evidence_path(EvidenceFile.objects.get()).exists()


# --------------------------------------------------------------------------------------------------------------------
# Frozen with their revision
# --------------------------------------------------------------------------------------------------------------------
def returned_after_review(cast, report) -> None:
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    do_review(report, False, "请补充佐证", scope=cast.scope("tf_member"))


def test_evidence_of_a_frozen_revision_cannot_be_removed(cast, report):
    evidence = do_attach_evidence(report, "a.pdf", PDF, scope=cast.scope("reporter"))
    returned_after_review(cast, report)
    with pytest.raises(ActionRefused, match="已提交版本的佐证材料不能删除"):
        do_remove_evidence(Evidence.objects.get(pk=evidence.pk), scope=cast.scope("reporter"))
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_evidence_loaded_before_submission_cannot_be_removed_after_a_return(cast, report):
    """The page was loaded while revision 1 was a draft; the report was then submitted and returned."""
    evidence = do_attach_evidence(report, "a.pdf", PDF, scope=cast.scope("reporter"))
    stale = Evidence.objects.select_related("revision").get(pk=evidence.pk)
    assert not stale.revision.is_frozen
    returned_after_review(cast, report)
    with pytest.raises(ActionRefused, match="已提交版本的佐证材料不能删除"):
        do_remove_evidence(stale, scope=cast.scope("reporter"))
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_carried_evidence_can_be_removed_from_the_new_draft_only(cast, report):
    evidence = do_attach_evidence(report, "a.pdf", PDF, scope=cast.scope("reporter"))
    returned_after_review(cast, report)
    do_save_draft(report, {"narrative": "补充"}, scope=cast.scope("reporter"))
    carried = Evidence.objects.get(revision__number=2)
    do_remove_evidence(carried, scope=cast.scope("reporter"))
    assert list(Evidence.objects.values_list("pk", flat=True)) == [evidence.pk]


def test_attaching_to_a_submitted_report_is_refused(cast, report):
    do_submit_report(report, scope=cast.scope("reporter"))
    with pytest.raises(ConflictError, match="报告已提交，当前状态为“已提交，待单位负责人审核”，不能再修改或提交"):
        do_attach_evidence(report, "a.pdf", PDF, scope=cast.scope("reporter"))
    assert not Evidence.objects.exists()


def test_attaching_after_a_unit_return_goes_into_a_new_revision(cast, report):
    first = do_attach_evidence(report, "a.pdf", PDF, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_return(report, "缺照片", scope=cast.scope("head"))
    second = do_attach_evidence(report, "照片.png", PNG, scope=cast.scope("reporter"))
    assert (first.revision.number, second.revision.number) == (1, 2)
    assert ReportRevision.objects.get(report=report, number=1).evidence.count() == 1
    assert ReportRevision.objects.get(report=report, number=2).evidence.count() == 2


def test_attaching_after_the_cycle_closed_is_refused(cast, report):
    with clock.travel(report.cycle.closes_on + dt.timedelta(days=1)):
        with pytest.raises(ActionRefused, match="报告已于 .* 关闭，不能再修改或提交"):
            do_attach_evidence(report, "a.pdf", PDF, scope=cast.scope("reporter"))


@pytest.mark.parametrize("role, can", [("reporter", True), ("head", True), ("co_head", False), ("tf_member", False),
                                       ("leader", False), ("outsider", False)])
def test_download_follows_report_visibility(cast, report, role, can):
    evidence = do_attach_evidence(report, "a.pdf", PDF, scope=cast.scope("reporter"))
    assert can_download(cast.scope(role), evidence) is can
