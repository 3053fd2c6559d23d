"""Uploading observations (office only): template downloads, a check (dry run) that lists every problem by row and
column, then a confirm step that imports the very same bytes.

Between the two steps the file waits under ``MEDIA_ROOT/imports/<sha256>``; the confirm form carries only the hash
(and the release fields), so nothing large rides in the session or a hidden field and the bytes cannot be swapped.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from iccity.core.policy import requires
from iccity.core.actions import ActionRefused

from .actions.observations import do_import_observations
from .forms import UploadForm
from .importing import MAX_FILE_BYTES, template_csv, template_xlsx
from .models import Indicator


def _store_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _keep(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    path = _store_dir() / digest
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return digest


def _kept(token: str) -> bytes | None:
    path = _store_dir() / token    # the form only accepts 64 hex digits, so this stays inside imports/
    return path.read_bytes() if path.is_file() else None


@requires("indicators.import_data")
def template_download(request, kind):
    if kind == "xlsx":
        data = template_xlsx(Indicator.objects.order_by("code"))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data, content_type = template_csv(), "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="indicator-data-template.{kind}"'
    return response


@requires("indicators.import_data")
def import_observations(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"nav": "indicators", "form": form, "max_mb": MAX_FILE_BYTES // 1024 // 1024}
    if request.method == "POST" and form.is_valid():
        upload, token = form.cleaned_data["file"], form.cleaned_data["token"]
        if upload is not None:
            data = upload.read(MAX_FILE_BYTES + 1)     # the importer refuses oversized files with a Chinese message
            filename, token = upload.name, _keep(data)
        else:
            data, filename = _kept(token), form.cleaned_data["filename"]
            if data is None:
                form.add_error("file", _("上传的文件已失效，请重新选择文件"))
                return render(request, "indicators/import.html", context)
        confirm = request.POST.get("step") == "confirm" and upload is None
        try:
            outcome = do_import_observations(data, filename, release_fields=form.release_fields(),
                                             actor=request.user, dry_run=not confirm)
        except ActionRefused as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
            return render(request, "indicators/import.html", context)
        context.update({"outcome": outcome, "token": token, "filename": filename, "confirmed": confirm})
        if confirm and outcome.ok:
            (_store_dir() / token).unlink(missing_ok=True)
            context["affected"] = _affected(outcome)
            return render(request, "indicators/import_done.html", context)
    return render(request, "indicators/import.html", context)


def _affected(outcome) -> list[dict]:
    """Indicators the file touched, with the number of rows each (counted from the report, one query)."""
    counts: dict[int, int] = {}
    for row in outcome.report.valid_rows:
        counts[row.indicator.pk] = counts.get(row.indicator.pk, 0) + 1
    return [{"indicator": i, "rows": counts[i.pk]} for i in Indicator.objects.filter(pk__in=counts).order_by("code")]
