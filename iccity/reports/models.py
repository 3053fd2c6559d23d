"""公文与台账: Word templates the office edits and uploads (docxtpl), a register of generated documents, and the
Excel ledger (台账) round-trip: each export remembers the version of every row it contained so that an import can
tell a unit's offline edit from a change made in iccity since the export."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo
from iccity.core.timefmt import screen_datetime
from iccity.orgs.models import Unit


class DocumentKind(models.TextChoices):
    MONTHLY = "monthly", _("月度进展报告")
    SPECIAL = "special", _("专报")
    STOCKTAKE = "stocktake", _("专班调度会材料")
    URGE = "urge", _("催办通知")
    SUPERVISE = "supervise", _("督办通知")


class DocumentTemplate(models.Model):
    """A Word template for one kind of document. The built-in template ships with the code; an uploaded one (the
    office's own 红头, 文号, 落款) takes over from its upload; older uploads are kept."""

    kind = models.CharField(_("文书类型"), max_length=20, choices=DocumentKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("模板文件"), upload_to="reports/templates/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    is_active = models.BooleanField(_("启用"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("公文模板")
        verbose_name_plural = _("公文模板")
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


class GeneratedDocument(models.Model):
    """Register of documents generated (who, when, from which template and data): 全程留痕 for outputs."""

    kind = models.CharField(_("文书类型"), max_length=20, choices=DocumentKind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=300)
    template = models.ForeignKey(DocumentTemplate, verbose_name=_("所用模板"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="documents",
                                 help_text=_("空表示内置模板"))
    parameters = models.JSONField(_("生成参数"), default=dict, blank=True)
    file = models.FileField(_("文件"), upload_to="reports/generated/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("生成时间"), default=clock.now)
    is_demo = models.BooleanField(_("含示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("已生成文书")
        verbose_name_plural = _("已生成文书")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class LedgerExport(models.Model):
    """One exported ledger workbook. ``row_versions`` maps each row key to the fingerprint of the row as exported;
    the workbook carries ``token`` in a protected sheet so an import finds its export."""

    token = models.CharField(_("导出编号"), max_length=40, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("限定单位"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text=_("空表示全部单位"))
    row_versions = models.JSONField(_("行版本"), default=dict)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导出人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("导出时间"), default=clock.now)

    class Meta:
        verbose_name = _("台账导出")
        verbose_name_plural = _("台账导出")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"台账 {self.token}（{screen_datetime(self.created_at)}）"


class LedgerImportState(models.TextChoices):
    PREVIEWED = "previewed", _("已预览，待确认")
    APPLIED = "applied", _("已导入")
    DISCARDED = "discarded", _("已放弃")


class LedgerImport(models.Model):
    """An uploaded ledger: validated and previewed first; applying it runs the delivery actions row by row in one
    transaction. Conflicting rows (changed in iccity since the export) are listed and never applied."""

    export = models.ForeignKey(LedgerExport, verbose_name=_("对应导出"), on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(_("状态"), max_length=20, choices=LedgerImportState.choices,
                             default=LedgerImportState.PREVIEWED)
    preview = models.JSONField(_("变更预览"), default=dict, help_text=_("{changes: [...], conflicts: [...], errors: [...]}"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_state_display()}）"
