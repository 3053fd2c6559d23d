"""Word outputs for the office: generate each kind of document and download it; manage the templates (download the
one in force to edit in Word, upload a new one, go back to the built-in one); the register of generated documents."""
from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iccity.core.policy import requires
from iccity.core.actions import ActionRefused

from .actions.documents import (
    current_template, do_generate_document, do_restore_builtin_template, do_upload_template, template_bytes,
)
from .forms import GenerateForm, TemplateUploadForm
from .models import DocumentKind, DocumentTemplate, GeneratedDocument

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 50


def _page(request, generate_form=None, upload_form=None, status=200):
    from iccity.delivery.models import Notice

    templates = [{"kind": value, "label": label, "current": current_template(value)}
                 for value, label in DocumentKind.choices]
    context = {
        "generate_form": generate_form or GenerateForm(),
        "upload_form": upload_form or TemplateUploadForm(),
        "templates": templates,
        "documents": GeneratedDocument.objects.select_related("created_by", "template")[:PAGE_SIZE],
        "notices": Notice.objects.filter(kind__in=("urge", "supervise", "red")).select_related("unit")[:20],
        "uploads": DocumentTemplate.objects.select_related("uploaded_by")[:30],
        "tag_hint": _("请保留 {{ }} 和 {%p %}、{%tr %} 标记；上传时系统会用示例数据试生成，无法生成的模板不会启用。"),
    }
    return render(request, "reports/documents/index.html", context, status=status)


@requires("reports.generate_document")
def documents(request):
    return _page(request)


@require_POST
@requires("reports.generate_document")
def generate(request):
    form = GenerateForm(request.POST)
    if not form.is_valid():
        return _page(request, generate_form=form, status=400)
    try:
        document = do_generate_document(form.cleaned_data["kind"], form.params(), actor=request.user)
    except ActionRefused as exc:
        form.add_error(None, exc.message)
        return _page(request, generate_form=form, status=400)
    messages.success(request, _("已生成《%(title)s》") % {"title": document.title})
    return redirect("reports:document_download", pk=document.pk)


@requires("reports.generate_document")
def download(request, pk: int):
    document = get_object_or_404(GeneratedDocument, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件已不存在"))
    from .actions.documents import download_name

    # Django writes filename*=utf-8''… (RFC 5987) for the Chinese name
    return FileResponse(handle, as_attachment=True, filename=download_name(document), content_type=DOCX)


@requires("reports.generate_document")
def template_download(request, kind: str):
    if kind not in DocumentKind.values:
        raise Http404
    template, data = template_bytes(kind)
    name = f"{DocumentKind(kind).label}-{'内置模板' if template is None else template.name}.docx"
    response = HttpResponse(data, content_type=DOCX)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_POST
@requires("reports.generate_document")
def template_upload(request):
    form = TemplateUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    data = form.cleaned_data
    try:
        template = do_upload_template(data["kind"], data["name"], data["file"], actor=request.user, note=data["note"])
    except ActionRefused as exc:
        form.add_error("file", exc.message)
        return _page(request, upload_form=form, status=400)
    messages.success(request, _("模板“%(name)s”已启用") % {"name": template.name})
    return redirect("reports:documents")


@require_POST
@requires("reports.generate_document")
def template_restore(request, kind: str):
    if kind not in DocumentKind.values:
        raise Http404
    count = do_restore_builtin_template(kind, actor=request.user)
    messages.success(request, _("已恢复内置模板（停用上传模板 %(n)s 个）") % {"n": count})
    return redirect("reports:documents")


urlpatterns = [
    path("documents/", documents, name="documents"),
    path("documents/generate/", generate, name="document_generate"),
    path("documents/<int:pk>/download/", download, name="document_download"),
    path("documents/templates/upload/", template_upload, name="template_upload"),
    path("documents/templates/<str:kind>/download/", template_download, name="template_download"),
    path("documents/templates/<str:kind>/restore/", template_restore, name="template_restore"),
]
