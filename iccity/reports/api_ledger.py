"""台账 API: export the workbook, upload one for a preview, read the preview, apply it. Same rules as the pages;
errors are ``{"detail": "<中文说明>"}`` (400 refused, 403 not allowed, 404 not found, 409 already applied)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import Field, File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import django_auth

from iccity.core import policy
from iccity.core.actions import ActionRefused, ConflictError
from iccity.orgs.models import Unit
from iccity.orgs.permissions import actor_for

from .models import LedgerImport

router = Router()  # joined into the app's router in api.py

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LedgerError(Schema):
    detail: str = Field(..., description="中文错误说明")


class LedgerImportOut(Schema):
    id: int
    state: str = Field(..., description="previewed/applied/discarded")
    state_label: str
    filename: str
    export_token: str
    summary: dict = Field(..., description="changes, conflicts, errors, rows[, applied]")
    changes: list[dict]
    conflicts: list[dict]
    errors: list[dict] = Field(..., description="[{sheet, row, column, message}]")


def _out(imp: LedgerImport) -> dict:
    p = imp.preview or {}
    return {"id": imp.pk, "state": imp.state, "state_label": imp.get_state_display(), "filename": imp.filename,
            "export_token": imp.export.token, "summary": p.get("summary", {}), "changes": p.get("changes", []),
            "conflicts": p.get("conflicts", []), "errors": p.get("errors", [])}


def _refusals(call):
    try:
        return call()
    except ConflictError as exc:
        raise HttpError(409, exc.message) from exc
    except ActionRefused as exc:
        raise HttpError(400, exc.message) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "无权执行此操作") from exc


def _own(request, pk: int) -> LedgerImport:
    imp = LedgerImport.objects.select_related("export").filter(pk=pk).first()
    if imp is None or not policy.may(request, "reports.decide_ledger_import", imp):
        raise HttpError(404, "找不到该台账导入")
    return imp


@router.post("/ledger/exports", auth=django_auth, response={400: LedgerError, 403: LedgerError},
             openapi_extra={"responses": {200: {"description": "台账工作簿", "content": {XLSX: {"schema": {
                 "type": "string", "format": "binary"}}}}}},
             summary="导出台账（.xlsx）", description="unit：单位编号（不填为全部单位；单位联络员只能导出本单位）")
def export_ledger(request, unit: int | None = None):
    from .actions.ledger import do_export_ledger

    chosen = None
    if unit is not None:
        chosen = Unit.objects.filter(pk=unit).first()
        if chosen is None:
            raise HttpError(400, "所选单位不存在")
    export, data = _refusals(lambda: do_export_ledger(actor_for(request), chosen))
    response = HttpResponse(data, content_type=XLSX)
    # the same name as the page's download (Beijing time), RFC 5987 filename* for the Chinese characters
    from django.utils.http import content_disposition_header

    from .ledger import export_filename

    response["Content-Disposition"] = content_disposition_header(True, export_filename(export))
    return response


@router.post("/ledger/imports", auth=django_auth, response={200: LedgerImportOut, 400: LedgerError, 403: LedgerError},
             summary="上传台账并预览（不导入）")
def preview_ledger(request, file: UploadedFile = File(...)):
    from .actions.ledger import do_preview_ledger_import

    imp = _refusals(lambda: do_preview_ledger_import(file.read(), file.name or "ledger.xlsx", actor_for(request)))
    return _out(imp)


@router.get("/ledger/imports/{pk}", auth=django_auth, response={200: LedgerImportOut, 404: LedgerError},
            summary="台账导入预览")
def get_ledger_import(request, pk: int):
    return _out(_own(request, pk))


@router.post("/ledger/imports/{pk}/apply", auth=django_auth,
             response={200: LedgerImportOut, 400: LedgerError, 403: LedgerError, 404: LedgerError, 409: LedgerError},
             summary="确认导入（冲突行不导入；不能重复导入）")
def apply_ledger_import(request, pk: int):
    from .actions.ledger import do_apply_ledger_import

    imp = _own(request, pk)
    return _out(_refusals(lambda: do_apply_ledger_import(imp, actor_for(request))))
