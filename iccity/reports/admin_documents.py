"""Admin for Word outputs: templates and the register of generated documents are read-only here; uploads and
generation go through the office page (``/reports/documents/``), which validates and audits them."""
from django.contrib import admin

from iccity.core.admin_mixins import ReadOnlyAdmin

from .models import DocumentTemplate, GeneratedDocument


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "is_active", "uploaded_by", "uploaded_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "note")


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "template", "created_by", "created_at", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("title",)
    date_hierarchy = "created_at"
