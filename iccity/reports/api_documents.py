"""API for Word outputs: generate a document (office only), list the register, download a file."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from iccity.core import policy
from iccity.core.actions import ActionRefused
from iccity.core.schemas import Error

from .actions.documents import do_generate_document, download_name
from .models import DocumentKind, GeneratedDocument

router = Router()  # joined into the app's router in api.py

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class GenerateIn(Schema):
    kind: str
    period: str | None = None
    task: str | None = None
    task_force: str | None = None
    notice: int | None = None
    plan: str | None = None


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    parameters: dict
    sha256: str
    created_at: str
    is_demo: bool
    download_url: str


def _office(request):
    if not policy.may(request, "reports.generate_document"):
        raise HttpError(403, "只有领导小组办公室工作人员可以生成和下载文书")


def _out(d: GeneratedDocument) -> dict:
    return {"id": d.pk, "kind": d.kind, "title": d.title, "parameters": d.parameters, "sha256": d.sha256,
            "created_at": d.created_at.isoformat(), "is_demo": d.is_demo,
            "download_url": f"/api/reports/documents/{d.pk}/file"}


@router.post("/documents", response={200: DocumentOut, 400: Error, 403: Error}, auth=django_auth, summary="生成文书（月报、专报、调度会材料、催办/督办通知）")
def generate_document(request, payload: GenerateIn):
    _office(request)
    if payload.kind not in DocumentKind.values:
        raise HttpError(400, f"未知的文书类型“{payload.kind}”，可选：{'、'.join(DocumentKind.values)}")
    params = {k: v for k, v in payload.dict().items() if k != "kind" and v not in (None, "")}
    try:
        return _out(do_generate_document(payload.kind, params, actor=request.user))
    except ActionRefused as exc:
        raise HttpError(400, exc.message)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc))


@router.get("/documents", response=list[DocumentOut], auth=django_auth, summary="已生成文书（最近100份）")
def list_documents(request, kind: str | None = None):
    _office(request)
    rows = GeneratedDocument.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return [_out(d) for d in rows[:100]]


@router.get("/documents/{document_id}/file", auth=django_auth, summary="下载文书（.docx）",
            openapi_extra={"responses": {200: {"description": "Word 文件", "content": {DOCX: {"schema": {
                "type": "string", "format": "binary"}}}}}})
def document_file(request, document_id: int):
    _office(request)
    document = get_object_or_404(GeneratedDocument, pk=document_id)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=download_name(document),
                        content_type=DOCX)
