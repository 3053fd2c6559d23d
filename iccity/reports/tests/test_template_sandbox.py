"""Server-side template injection (issue 12 item 1): uploaded and stored Word templates cannot run code.

Each attack writes a marker file through ``os.popen``; the tests prove the template is refused and the file never
appears — a refusal that still ran the command would fail here."""
from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from docx import Document
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError, UndefinedError

from iccity.core import templating
from iccity.core.actions import ActionRefused
from iccity.reports.actions.documents import do_generate_document, do_upload_template
from iccity.reports.documents import samples, templates_builtin
from iccity.reports.models import DocumentTemplate


def _docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture
def marker(tmp_path):
    return tmp_path / "pwned"


def _payload(marker) -> str:
    return "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}" % marker


def test_upload_of_the_cycler_globals_payload_is_refused_naming_the_tag(media, client, office_admin, marker):
    client.force_login(office_admin)
    upload = io.BytesIO(_docx("{{ title }}", _payload(marker)))
    upload.name = "恶意.docx"
    response = client.post("/reports/documents/templates/upload/", {"kind": "urge", "name": "恶意", "file": upload})
    body = response.content.decode()
    assert response.status_code == 400
    assert "cycler.__init__.__globals__.os.popen" in body and "出于安全原因不允许" in body
    assert not DocumentTemplate.objects.exists()
    assert not marker.exists()


@pytest.mark.parametrize("tag, offender", [
    ("{{ cycler.__init__ }}", "__init__"),
    ("{{ title.__class__.__mro__ }}", "__class__"),
    ("{{ title['__class__'] }}", "__class__"),
    ("{{ title|attr('__class__') }}", "__class__"),
    ("{{ paragraphs|map(attribute='__class__')|list }}", "__class__"),
    ("{{ lipsum }}", "lipsum"),
    ("{{ joiner() }}", "joiner"),
    ("{{ namespace() }}", "namespace"),
    ("{{ self }}", "self"),
    ("{{ request.user }}", "request"),
    ("{{ config }}", "config"),
    ("{% for i in range(5) %}{{ i }}{% endfor %}", "range"),
    ("{% include '/etc/passwd' %}", "引用其他模板"),
    ("{{ secret_key }}", "secret_key"),  # not a field the document context provides
])
def test_upload_refuses_tags_reaching_for_attributes_globals_or_unknown_names(db, media, tag, offender):
    with pytest.raises(ActionRefused) as refused:
        do_upload_template("urge", "坏模板", io.BytesIO(_docx("{{ title }}", tag)))
    assert offender in str(refused.value) and tag.split("%}")[0] in str(refused.value)
    assert not DocumentTemplate.objects.exists()


def test_upload_refuses_a_template_that_builds_a_huge_string(db, media):
    with pytest.raises(ActionRefused) as refused:
        do_upload_template("urge", "大字符串", io.BytesIO(_docx("{{ title }}{{ 'x' * 100000000 }}")))
    assert "重复次数过大" in str(refused.value)


@pytest.mark.parametrize("kind", templates_builtin.KINDS)
def test_builtin_templates_pass_the_strict_check_with_their_sample_fields(kind):
    templating.check_docx(templates_builtin.builtin_bytes(kind), samples.sample_context(kind).keys())


def test_stored_malicious_template_bypassing_upload_fails_safely(activity, fixed_evaluation, marker):
    template = DocumentTemplate(kind="urge", name="绕过上传", sha256="0" * 64)
    template.file.save("urge-evil.docx", ContentFile(_docx("{{ title }}", _payload(marker))), save=False)
    template.save()  # written straight to the table, as an attacker with database or media access would
    with pytest.raises(ActionRefused) as refused:
        do_generate_document("urge", {"notice": activity["notice"].pk})
    assert "绕过上传" in str(refused.value) and "cycler" in str(refused.value)
    assert not marker.exists()


def test_sandbox_alone_stops_the_payload_even_without_the_static_check(marker):
    """The second layer: docxtpl rendering with our environment has no globals and no ``_`` attributes."""
    doc = DocxTemplate(io.BytesIO(_docx(_payload(marker))))
    with pytest.raises((SecurityError, UndefinedError)):
        doc.render({}, jinja_env=templating.sandbox())
    doc = DocxTemplate(io.BytesIO(_docx("{{ obj.__class__.__init__.__globals__ }}")))
    with pytest.raises(SecurityError):
        doc.render({"obj": object()}, jinja_env=templating.sandbox())
    assert not marker.exists()


def test_complaint_notice_template_is_rendered_in_the_sandbox(tmp_path, marker, monkeypatch):
    from iccity.complaints import documents

    evil = tmp_path / "notice.docx"
    evil.write_bytes(_docx("{{ document_number }}", _payload(marker)))
    monkeypatch.setattr(documents, "notice_context", lambda notice: {"document_number": "X"})
    with pytest.raises(templating.TemplateRefused):
        documents.render_notice(object(), template=evil)
    assert not marker.exists()
