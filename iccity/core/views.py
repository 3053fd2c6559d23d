"""Audit export (全程留痕导出) for the office: the audit trail filtered by object, date range and actor, as CSV
(UTF-8 with BOM, so Excel shows Chinese correctly) or .xlsx.

Filters (all optional): ``object_type`` = ``app_label.model`` (e.g. ``delivery.report``), ``object_id``, ``task`` (a task
and the delivery objects under it), ``date_from``/``date_to`` (YYYY-MM-DD, inclusive, site time zone), ``actor``
(username or the recorded label, substring).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import clock, policy, words
from .models import AuditEvent
from .registries import audit_task_scopes
from .web import forbidden, form_problems

MAX_ROWS = 100_000
HEADER = ["时间", "操作人", "账号", "动作", "对象类型", "对象编号", "对象", "变更前", "变更后", "说明", "变更摘要", "动作代码"]


class ExportFilterForm(forms.Form):
    object_type = forms.CharField(required=False, max_length=100)
    object_id = forms.CharField(required=False, max_length=64)
    task = forms.IntegerField(required=False, min_value=1)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    actor = forms.CharField(required=False, max_length=150)

    def clean_object_type(self):
        value = self.cleaned_data["object_type"].strip().lower()
        if not value:
            return None
        app_label, _sep, model = value.partition(".")
        try:
            return ContentType.objects.get(app_label=app_label, model=model)
        except ContentType.DoesNotExist:
            raise forms.ValidationError(_("未知的对象类型“%(v)s”，格式如 delivery.report") % {"v": value})


def _login_url() -> str:
    try:
        return reverse("accounts:login")
    except NoReverseMatch:
        return "/admin/login/"


def _task_scope(task_id: int) -> Q:
    """The task and every delivery object under it, like the task timeline's history panel (the apps owning those
    objects add them to ``core.registries.audit_task_scopes``)."""
    q = Q(pk__in=[])
    for scope in audit_task_scopes:
        q |= scope(task_id)
    return q


def filtered_events(data: dict):
    events = AuditEvent.objects.select_related("actor", "content_type").order_by("created_at", "id")
    if data.get("object_type"):
        events = events.filter(content_type=data["object_type"])
    if data.get("object_id"):
        events = events.filter(object_id=data["object_id"].strip())
    if data.get("task"):
        events = events.filter(_task_scope(data["task"]))
    zone = timezone.get_default_timezone()
    if data.get("date_from"):
        events = events.filter(created_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=zone))
    if data.get("date_to"):
        end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        events = events.filter(created_at__lt=end)
    if data.get("actor"):
        who = data["actor"].strip()
        events = events.filter(Q(actor__username__icontains=who) | Q(actor_label__icontains=who))
    return events[:MAX_ROWS]


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _cell(text: str) -> str:
    """Spreadsheet formula injection: one escaping function for every export (core.exports)."""
    from .exports import safe_cell

    return safe_cell(text)


def _rows(events):
    zone = timezone.get_default_timezone()
    for e in events.iterator(chunk_size=2000):
        ct = f"{e.content_type.app_label}.{e.content_type.model}" if e.content_type_id else ""
        # words for people first (core.words); the codes stay at the end for machines and auditors
        yield [timezone.localtime(e.created_at, zone).strftime("%Y-%m-%d %H:%M:%S"), words.actor_display(e),
               e.actor.get_username() if e.actor_id and e.actor else "", words.verb(e.action), ct, e.object_id,
               e.object_repr, _json(e.before), _json(e.after), e.note,
               words.audit_sentence(e.action, e.before, e.after), e.action]


class _Echo:
    def write(self, value):
        return value


def _csv(events, filename: str):
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # BOM: Excel opens UTF-8 with Chinese correctly only with it
        yield writer.writerow(HEADER)
        for row in _rows(events):
            yield writer.writerow([_cell(str(v)) for v in row])
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx(events, filename: str):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("操作记录")
    sheet.append(HEADER)
    for row in _rows(events):
        sheet.append([_cell(str(v)) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export(request, fmt: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=_login_url())
    if not policy.may(request, "core.export_audit"):
        return forbidden(request, _("只有领导小组办公室管理员可以导出操作记录"))
    form = ExportFilterForm(request.GET)
    if not form.is_valid():
        errors = form_problems(form)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    filename = f"audit-{clock.today():%Y%m%d}"
    events = filtered_events(form.cleaned_data)
    return _xlsx(events, filename) if fmt == "xlsx" else _csv(events, filename)
