"""Composite index editions. An edition freezes its method, weights, the data vintages it used and its results, so
it can be shown and reproduced later; new data means a new edition, never a changed one."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo

from .catalogue import Framework


class IndexEdition(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    framework = models.ForeignKey(Framework, verbose_name=_("框架"), on_delete=models.PROTECT, related_name="editions")
    method = models.JSONField(_("方法"), help_text=_("标准化、赋权、合成、是否 TOPSIS"))
    weights = models.JSONField(_("权重"), help_text=_("冻结的指标权重与维度权重"))
    inputs = models.JSONField(_("输入数据"), help_text=_("所用观测值（含发布版次）"))
    results = models.JSONField(_("结果"), help_text=_("按维度和总体的得分与排名"))
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    as_of = models.DateField(_("数据截止"), help_text=_("只使用此日前发布的数据"))
    created_at = models.DateTimeField(_("生成时间"), default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("综合指数版次")
        verbose_name_plural = _("综合指数版次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
