"""台账 pages: export (all units or one's own), upload → preview of changes/conflicts/errors → confirm or discard.

Pages never change data themselves: they call ``actions.ledger`` and show its Chinese refusal when it refuses.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from iccity.core import policy
from iccity.core.policy import requires
from iccity.core.actions import ActionRefused
from iccity.core.web import flash_refusal
from iccity.delivery.views_common import delivery_view
from iccity.orgs.models import Unit

from .actions.ledger import (
    do_apply_ledger_import, do_discard_ledger_import, do_export_ledger, do_preview_ledger_import, exportable_units,
)
from .ledger import export_filename
from .models import LedgerImport, LedgerImportState

__all__ = ["ledger_home", "ledger_export", "ledger_upload", "ledger_preview", "ledger_apply", "ledger_discard"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 10 * 1024 * 1024


def _imports_for(request):
    actor = request.scope.actor
    qs = LedgerImport.objects.select_related("export__unit", "uploaded_by")
    return qs if actor.office_admin else qs.filter(uploaded_by=request.user)


@delivery_view
@requires("reports.use_ledger")
def ledger_home(request):
    units = exportable_units(request.scope.actor)
    if units is not None and not units:
        raise PermissionDenied("只有领导小组办公室、专班、区领导或单位联络员、负责人可以使用台账")
    all_units = Unit.objects.filter(active=True, collective_rule="").order_by("sort_order", "name") if units is None else units
    return render(request, "reports/ledger/home.html", {
        "units": all_units, "may_export_all": units is None, "imports": _imports_for(request)[:20],
    })


@delivery_view
@require_POST
def ledger_export(request):
    unit = None
    if request.POST.get("unit"):
        unit = Unit.objects.filter(pk=request.POST["unit"]).first()
        if unit is None:
            messages.error(request, "所选单位不存在")
            return redirect("reports:ledger")
    try:
        export, data = do_export_ledger(request.scope.actor, unit)
    except ActionRefused as exc:
        flash_refusal(request, exc)
        return redirect("reports:ledger")
    name = export_filename(export)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@delivery_view
@require_POST
def ledger_upload(request):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的台账文件（.xlsx）")
        return redirect("reports:ledger")
    if upload.size > MAX_UPLOAD:
        messages.error(request, "文件超过 10 MB，请确认上传的是本系统导出的台账")
        return redirect("reports:ledger")
    try:
        ledger_import = do_preview_ledger_import(upload.read(), upload.name, request.scope.actor)
    except ActionRefused as exc:
        flash_refusal(request, exc)
        return redirect("reports:ledger")
    return redirect("reports:ledger_preview", ledger_import.pk)


def _own_import(request, pk) -> LedgerImport:
    ledger_import = get_object_or_404(LedgerImport.objects.select_related("export__unit", "uploaded_by"), pk=pk)
    if not policy.may(request.scope, "reports.decide_ledger_import", ledger_import):
        raise Http404("找不到该台账导入")
    return ledger_import


@delivery_view
def ledger_preview(request, pk: int):
    ledger_import = _own_import(request, pk)
    preview = ledger_import.preview or {}
    return render(request, "reports/ledger/preview.html", {
        "imp": ledger_import, "changes": preview.get("changes", []), "conflicts": preview.get("conflicts", []),
        "errors": preview.get("errors", []), "summary": preview.get("summary", {}),
        "applied_rows": set(preview.get("applied", [])),
        "may_apply": ledger_import.state == LedgerImportState.PREVIEWED and not preview.get("errors"),
        "is_previewed": ledger_import.state == LedgerImportState.PREVIEWED,
    })


@delivery_view
@require_POST
def ledger_apply(request, pk: int):
    ledger_import = _own_import(request, pk)
    try:
        ledger_import = do_apply_ledger_import(ledger_import, request.scope.actor)
    except ActionRefused as exc:
        flash_refusal(request, exc)
    else:
        summary = ledger_import.preview.get("summary", {})
        messages.success(request, f"已导入 {summary.get('applied', 0)} 项变更；{summary.get('conflicts', 0)} 行冲突未导入")
    return redirect("reports:ledger_preview", pk)


@delivery_view
@require_POST
def ledger_discard(request, pk: int):
    try:
        do_discard_ledger_import(_own_import(request, pk), request.scope.actor)
    except ActionRefused as exc:
        flash_refusal(request, exc)
    else:
        messages.info(request, "已放弃本次导入")
    return redirect("reports:ledger")


urlpatterns = [
    path("ledger/", ledger_home, name="ledger"),
    path("ledger/export/", ledger_export, name="ledger_export"),
    path("ledger/import/", ledger_upload, name="ledger_upload"),
    path("ledger/import/<int:pk>/", ledger_preview, name="ledger_preview"),
    path("ledger/import/<int:pk>/apply/", ledger_apply, name="ledger_apply"),
    path("ledger/import/<int:pk>/discard/", ledger_discard, name="ledger_discard"),
]
