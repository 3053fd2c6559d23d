"""Word outputs: generate a document into the register, upload or retire an office template.

Generation reads the data (bounded queries, ``documents.context``), renders the current template for the kind (the
latest active upload, else the built-in one) and stores the file with who/when/parameters, in one transaction with
an audit record. An upload is rendered with a sample context first; anything docxtpl cannot render is refused in
Chinese and nothing is saved.
"""
from __future__ import annotations

import hashlib
import re

from django.core.files.base import ContentFile
from django.db import transaction

from iccity.core import policy
from iccity.core.actions import ActionRefused, record_audit

from ..documents import context as ctx
from ..documents import render as rendering
from ..documents import samples, templates_builtin
from ..models import DocumentKind, DocumentTemplate, GeneratedDocument

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
NOTICE_KINDS = {DocumentKind.URGE: ("urge",), DocumentKind.SUPERVISE: ("supervise", "red")}


def current_template(kind: str) -> DocumentTemplate | None:
    """The office's template in force for ``kind`` (None = the built-in one)."""
    return DocumentTemplate.objects.filter(kind=kind, is_active=True).order_by("-uploaded_at", "-id").first()


def template_bytes(kind: str) -> tuple[DocumentTemplate | None, bytes]:
    template = current_template(kind)
    if template is None:
        return None, templates_builtin.builtin_bytes(kind)
    with template.file.open("rb") as fh:
        return template, fh.read()


def _version(params: dict):
    from iccity.plans.models import Plan

    plans = Plan.objects.all()
    plan = plans.filter(slug=params["plan"]).first() if params.get("plan") else plans.order_by("-created_at").first()
    version = plan.current_version if plan is not None else None
    if version is None:
        raise ActionRefused("找不到行动方案，请先导入方案" if not params.get("plan") else f"找不到方案“{params['plan']}”")
    return version


def _task(version, value):
    from iccity.plans.models import Task

    task = Task.objects.filter(version=version, key=str(value).strip().upper()).first()
    if task is None and str(value).isdigit():
        task = Task.objects.filter(version=version, pk=int(value)).first()
    if task is None:
        raise ActionRefused(f"方案中没有任务“{value}”（请填编号，如 T3、M1）")
    return task


def _task_force(value):
    from iccity.orgs.models import TaskForce

    force = (TaskForce.objects.filter(pk=int(value)).first() if str(value).isdigit()
             else TaskForce.objects.filter(name=str(value).strip()).first())
    if force is None:
        raise ActionRefused(f"找不到专班“{value}”")
    return force


def build_context(kind: str, params: dict) -> tuple[dict, dict]:
    """(context, normalised parameters) for one document; refuses bad parameters in Chinese."""
    if kind not in DocumentKind.values:
        raise ActionRefused(f"未知的文书类型“{kind}”")
    period = (params.get("period") or "").strip() or None
    if period is not None:
        ctx.month_bounds(period)  # refuses a malformed period before anything is read
    if kind in NOTICE_KINDS:
        from iccity.delivery.models import Notice

        notice_id = params.get("notice")
        notice = (Notice.objects.select_related("unit", "work_item__task").filter(pk=notice_id).first()
                  if str(notice_id or "").isdigit() else None)
        if notice is None:
            raise ActionRefused("请指定要打印的催办单或督办单（通知编号）")
        if notice.kind not in NOTICE_KINDS[kind]:
            raise ActionRefused(f"“{notice.title}”是{notice.get_kind_display()}，不能按{DocumentKind(kind).label}打印")
        return ctx.notice_context(notice), {"notice": notice.pk, "document_number": notice.document_number}
    version = _version(params)
    normal = {"plan": version.plan.slug, "version": version.number}
    if kind == DocumentKind.MONTHLY:
        context = ctx.monthly_context(version, period)
    elif kind == DocumentKind.SPECIAL:
        task = _task(version, params["task"]) if params.get("task") else None
        force = _task_force(params["task_force"]) if params.get("task_force") else None
        context = ctx.special_context(version, task=task, task_force=force, period=period)
        normal.update({"task": task.key} if task else {"task_force": force.pk})
    else:
        if not params.get("task_force"):
            raise ActionRefused("调度会材料须指定专班")
        force = _task_force(params["task_force"])
        context = ctx.stocktake_context(version, force, period)
        normal["task_force"] = force.pk
    normal["period"] = context["period"]
    return context, normal


UNSAFE_IN_NAMES = re.compile(r"[\\/:*?\"<>|\x00-\x1f\s]+")  # reserved on Windows or POSIX, control characters


def filename_for(kind: str, title: str, params: dict) -> str:
    """西青区…行动方案（2023—2027年）2026年11月推进情况报告-2026-11.docx: the title keeps its own punctuation
    (（—）《》〔〕 are safe on every file system); only characters file systems reserve are dropped."""
    stem = UNSAFE_IN_NAMES.sub("", title)[:80] or kind
    suffix = params.get("document_number") or params.get("period") or ""
    suffix = UNSAFE_IN_NAMES.sub("-", suffix).strip("-")
    return f"{stem}{'-' + suffix if suffix else ''}.docx"


def download_name(document) -> str:
    """The name a generated document is downloaded under (storage names are ASCII-folded by Django; this is not)."""
    number = (document.parameters or {}).get("document_number")
    title = document.title.removesuffix(f"（{number}）") if number else document.title
    return filename_for(document.kind, title, document.parameters or {})


def do_generate_document(kind: str, params: dict, actor=None) -> GeneratedDocument:
    policy.check_actor(actor, "reports.generate_document")
    context, normal = build_context(kind, params or {})
    template, source = template_bytes(kind)
    try:
        data = rendering.render(source, context)
    except rendering.TemplateError as exc:
        raise ActionRefused(f"模板“{template.name if template else '内置模板'}”无法生成文书：{exc}") from exc
    title = context["title"] + (f"（{normal['document_number']}）" if normal.get("document_number") else "")
    with transaction.atomic():
        document = GeneratedDocument(kind=kind, title=title[:300], template=template, parameters=normal,
                                     sha256=hashlib.sha256(data).hexdigest(), created_by=_user(actor),
                                     is_demo=bool(context.get("is_demo")))
        document.file.save(filename_for(kind, context["title"], normal), ContentFile(data), save=False)
        document.save()
        record_audit(_user(actor), "reports.document.generate", document,
                     after={"kind": kind, "parameters": normal, "sha256": document.sha256,
                            "template": template.pk if template else None})
    return document


def _user(actor):
    """Actions accept a user or an ``orgs.permissions.Actor``."""
    return getattr(actor, "user", actor) if actor is not None and not hasattr(actor, "get_username") else actor


def validate_template(kind: str, data: bytes) -> None:
    """Refuse (in Chinese) anything that is not a safe .docx docxtpl can render with the sample context.

    Order matters: the zip is checked for bombs before anything inflates it, and the tags are checked (sandbox rules,
    only the sample's field names) before anything is rendered."""
    import io
    import zipfile

    from iccity.core import templating, uploads

    if not data:
        raise ActionRefused("上传的文件是空的")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ActionRefused("模板文件超过 10 MB，请删除其中的大图片后再上传")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ActionRefused("上传的文件不是 Word（.docx）文件；旧版 .doc 或 WPS 格式请在 Word/WPS 中“另存为 .docx”后再上传")
    uploads.check_zip(data, what="模板")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            document_xml = z.read("word/document.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        raise ActionRefused("上传的文件不是 Word（.docx）文件；旧版 .doc 或 WPS 格式请在 Word/WPS 中“另存为 .docx”后再上传")
    if "{{" not in re.sub(r"<[^>]+>", "", document_xml):
        raise ActionRefused("模板中没有任何 {{ }} 数据标记，生成的文书将没有内容。请在内置模板基础上修改")
    sample = samples.sample_context(kind)
    try:
        templating.check_docx(data, allowed=sample.keys())
    except templating.TemplateRefused as exc:
        raise ActionRefused(f"模板无法使用：{exc}") from exc
    try:
        rendering.render(data, sample, allowed=sample.keys())
    except rendering.TemplateError as exc:
        raise ActionRefused(f"模板无法使用：{exc}") from exc
    except Exception as exc:  # noqa: BLE001 - docxtpl raises many types for broken templates; the office needs a message
        raise ActionRefused(f"模板无法使用（{type(exc).__name__}）：请检查 {{% %}} 标记是否成对、是否被拆开") from exc


def do_upload_template(kind: str, name: str, file, actor=None, note: str = "") -> DocumentTemplate:
    policy.check_actor(actor, "reports.generate_document")
    if kind not in DocumentKind.values:
        raise ActionRefused(f"未知的文书类型“{kind}”")
    name = (name or "").strip()
    if not name:
        raise ActionRefused("请填写模板名称")
    data = file.read() if hasattr(file, "read") else bytes(file)
    validate_template(kind, data)
    with transaction.atomic():
        template = DocumentTemplate(kind=kind, name=name[:200], sha256=hashlib.sha256(data).hexdigest(),
                                    uploaded_by=_user(actor), note=note)
        template.file.save(f"{kind}-{template.sha256[:12]}.docx", ContentFile(data), save=False)
        template.save()
        record_audit(_user(actor), "reports.template.upload", template,
                     after={"kind": kind, "name": template.name, "sha256": template.sha256})
    return template


def do_restore_builtin_template(kind: str, actor=None) -> int:
    """Retire the office's uploads for ``kind`` (kept, inactive): the built-in template is used again."""
    policy.check_actor(actor, "reports.generate_document")
    with transaction.atomic():
        active = list(DocumentTemplate.objects.select_for_update().filter(kind=kind, is_active=True))
        for template in active:
            template.is_active = False
            template.save(update_fields=["is_active"])
            record_audit(_user(actor), "reports.template.retire", template, before={"is_active": True},
                         after={"is_active": False})
    return len(active)
