"""Catalogue of the consumption data lake. The rows themselves live in Parquet files (see storage.py); the database
only records what was ingested, from where, when, how many rows, and with which checksum."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import demo


class Kind(models.TextChoices):
    TRANSACTIONS = "transactions", _("交易流水")
    FOOTFALL = "footfall", _("客流")
    MERCHANTS = "merchants", _("商户")


class Dataset(models.Model):
    """A feed: one kind of data from one provider (e.g. 银联商务 transactions, a footfall vendor)."""

    kind = models.CharField(_("数据类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=200)
    source = models.CharField(_("来源/提供方"), max_length=500, blank=True,
                              help_text=_("数据提供方及口径说明；厂商数据不是官方统计"))
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("数据集")
        verbose_name_plural = _("数据集")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="consumption_dataset_kind_name")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


class IngestionRun(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", _("进行中")
        COMPLETE = "complete", _("已完成")
        FAILED = "failed", _("失败")
        DUPLICATE = "duplicate", _("重复文件，未处理")

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="runs", verbose_name=_("数据集"))
    run_id = models.CharField(_("批次号"), max_length=40, unique=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.RUNNING)
    files = models.JSONField(_("输入文件"), default=list, help_text=_("[{name, sha256, rows_read, duplicate}]"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    rows_read = models.BigIntegerField(_("读取行数"), default=0)
    rows_accepted = models.BigIntegerField(_("入库行数"), default=0)
    rows_rejected = models.BigIntegerField(_("拒收行数"), default=0)
    rejects_path = models.CharField(_("拒收明细文件"), max_length=500, blank=True)
    checksum = models.CharField(_("校验和（SHA-256）"), max_length=64, blank=True)
    months = models.JSONField(_("涉及月份"), default=list)
    error = models.TextField(_("错误"), blank=True)
    pid = models.IntegerField(_("进程号"), null=True, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("入库批次")
        verbose_name_plural = _("入库批次")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.run_id}（{self.get_state_display()}）"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def rows_per_second(self) -> float | None:
        seconds = self.duration_seconds
        return self.rows_read / seconds if seconds else None

    def effective_state(self) -> str:
        """A run still marked running whose process is gone crashed: it is shown as failed (its files never became
        visible; the next ingestion removes them)."""
        if self.state == self.State.RUNNING and self.pid and not _process_alive(self.pid):
            return self.State.FAILED
        return self.state


def _process_alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class IngestedFile(models.Model):
    """One input file whose rows are in the lake; the SHA-256 per kind makes re-ingesting the same bytes a no-op."""

    kind = models.CharField(_("数据类型"), max_length=20, choices=Kind.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    name = models.CharField(_("文件名"), max_length=500)
    size = models.BigIntegerField(_("字节数"))
    rows_read = models.BigIntegerField(_("读取行数"), default=0)
    rows_accepted = models.BigIntegerField(_("入库行数"), default=0)
    rows_rejected = models.BigIntegerField(_("拒收行数"), default=0)
    run = models.ForeignKey(IngestionRun, on_delete=models.PROTECT, related_name="ingested_files",
                            verbose_name=_("入库批次"))
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("已入库文件")
        verbose_name_plural = _("已入库文件")
        constraints = [models.UniqueConstraint(fields=["kind", "sha256"], name="consumption_file_kind_sha")]

    def __str__(self) -> str:
        return f"{self.name}（{self.sha256[:12]}…）"
