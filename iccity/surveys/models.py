"""Tables of the surveys app: a versioned questionnaire (L1 dimensions → items, weights as data), waves with their
sampling parameters, and anonymous responses (one per device per wave).

商圈 are stored here as ``SurveyArea`` because ``places.Place`` did not exist when this app was written; a later
migration can add a link to it (``SurveyArea.place``) without touching responses.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo


class SurveyArea(models.Model):
    """A 商圈 that is surveyed: normally one of the 商圈 in ``places`` (linked, created by ``iccity bootstrap``); an
    area without a place stays possible for ad-hoc survey sites."""

    code = models.SlugField(_("代码"), max_length=60, unique=True, help_text=_("用于网址，如 zhongbei"))
    name = models.CharField(_("商圈名称"), max_length=100)
    place = models.OneToOneField("places.Place", verbose_name=_("对应商圈"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="survey_area")
    position = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("测评商圈")
        verbose_name_plural = _("测评商圈")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Survey(models.Model):
    """One version of a questionnaire. Items are scored 1…scale_max; "不清楚" is its own code (stored as NULL)."""

    code = models.SlugField(_("问卷代码"), max_length=60)
    version = models.PositiveIntegerField(_("版本"), default=1)
    title = models.CharField(_("问卷名称"), max_length=200)
    scale_max = models.PositiveSmallIntegerField(_("量表最高分"), default=10)
    source = models.CharField(_("依据/来源"), max_length=500)
    method_note = models.TextField(_("计分方法说明"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="surveys_survey_code_version")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class SurveyDimension(models.Model):
    """A level-1 dimension (消费供给 / 消费环境 / 消费维权) with its weight in the index."""

    survey = models.ForeignKey(Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="dimensions")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("一级指标"), max_length=60)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=4)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("一级指标")
        verbose_name_plural = _("一级指标")
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="surveys_dimension_code")]

    def __str__(self) -> str:
        return self.name


class SurveyItem(models.Model):
    """A question, mapped to a level-2 indicator of the city survey, with its weight inside its dimension."""

    dimension = models.ForeignKey(SurveyDimension, verbose_name=_("一级指标"), on_delete=models.CASCADE,
                                  related_name="items")
    code = models.SlugField(_("代码"), max_length=40)
    indicator = models.CharField(_("二级指标"), max_length=60)
    text = models.CharField(_("题目"), max_length=300)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=4)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["dimension__position", "position"]
        constraints = [models.UniqueConstraint(fields=["dimension", "code"], name="surveys_item_code")]

    def __str__(self) -> str:
        return f"{self.indicator}：{self.text}"


class Wave(models.Model):
    """A periodic survey round (kept apart from post-complaint 回访 surveys). The sampling parameters are stored;
    the target sample size and the status are computed from them and from today."""

    code = models.SlugField(_("轮次代码"), max_length=60, unique=True)
    title = models.CharField(_("轮次名称"), max_length=200)
    survey = models.ForeignKey(Survey, verbose_name=_("问卷"), on_delete=models.PROTECT, related_name="waves")
    areas = models.ManyToManyField(SurveyArea, verbose_name=_("测评商圈"), related_name="waves")
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("结束日期"), help_text=_("含当日"))
    margin_of_error = models.DecimalField(_("允许误差"), max_digits=5, decimal_places=4, default=0.05,
                                          help_text=_("如 0.05 表示 ±5 个百分点"))
    confidence = models.DecimalField(_("置信水平"), max_digits=5, decimal_places=4, default=0.95)
    design_effect = models.DecimalField(_("设计效应"), max_digits=5, decimal_places=2, default=1.4)
    expected_proportion = models.DecimalField(_("预期比例 p"), max_digits=5, decimal_places=4, default=0.5,
                                              help_text=_("0.5 时 p(1−p) 最大，样本量最保守"))
    parameters_source = models.CharField(_("参数依据"), max_length=300, blank=True)
    frozen_results = models.JSONField(_("冻结结果"), null=True, blank=True, editable=False)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("测评轮次")
        verbose_name_plural = _("测评轮次")
        ordering = ["-opens_on", "code"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        """The admin form's checks (do_create_wave refuses the same values)."""
        from django.core.exceptions import ValidationError

        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = "结束日期不能早于开始日期"
        for name, label in (("margin_of_error", "允许误差"), ("confidence", "置信水平"),
                            ("expected_proportion", "预期比例")):
            value = getattr(self, name)
            if value is not None and not 0 < value < 1:
                errors[name] = f"{label}应在0与1之间"
        if self.design_effect is not None and self.design_effect < 1:
            errors["design_effect"] = "设计效应不应小于1"
        if errors:
            raise ValidationError(errors)

    def status(self, today=None) -> str:
        today = today or clock.today()
        if today < self.opens_on:
            return "upcoming"
        return "open" if today <= self.closes_on else "closed"

    def status_label(self) -> str:
        return {"upcoming": "未开始", "open": "进行中", "closed": "已结束"}[self.status()]

    def is_open(self) -> bool:
        return self.status() == "open"

    def sample_plan(self):
        from .sampling import sample_size

        return sample_size(margin=float(self.margin_of_error), confidence=float(self.confidence),
                           deff=float(self.design_effect), p=float(self.expected_proportion))


class ResponseQuerySet(models.QuerySet):
    def counted(self):
        """Responses in the published index: unflagged ones, and flagged ones an office reviewer accepted."""
        return self.filter(models.Q(held=False) | models.Q(review="accepted"))

    def awaiting_review(self):
        return self.filter(held=True, review="")


class Response(models.Model):
    """One anonymous submission. ``device_hash`` = SHA-256 of the device cookie's token and the wave: it lets the
    server refuse a second response from the same device without storing the token, the IP or anything personal."""

    wave = models.ForeignKey(Wave, verbose_name=_("轮次"), on_delete=models.PROTECT, related_name="responses")
    area = models.ForeignKey(SurveyArea, verbose_name=_("商圈"), on_delete=models.PROTECT, related_name="responses")
    device_hash = models.CharField(_("设备摘要"), max_length=64)
    submitted_at = models.DateTimeField(_("提交时间"), default=clock.now)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)
    # anti-stuffing (see stuffing.py): keyed per-wave hashes, never the address; erased when the wave is frozen
    address_key = models.CharField(_("地址摘要"), max_length=32, blank=True, db_index=True)
    subnet_key = models.CharField(_("网段摘要"), max_length=32, blank=True, db_index=True)
    pattern = models.CharField(_("作答模式摘要"), max_length=32, blank=True)
    seconds_taken = models.PositiveIntegerField(_("作答用时（秒）"), null=True, blank=True)
    flags = models.JSONField(_("异常标记"), default=list, blank=True)
    held = models.BooleanField(_("待审核"), default=False, db_index=True,
                               help_text=_("有异常标记的答卷在审核通过前不计入指数"))
    review = models.CharField(_("审核结论"), max_length=10, blank=True,
                              choices=[("accepted", _("通过，计入指数")), ("rejected", _("不通过，不计入"))])
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    @property
    def counted(self) -> bool:
        return not self.held or self.review == "accepted"

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["wave", "device_hash"], name="surveys_one_per_device")]
        indexes = [models.Index(fields=["wave", "area"])]

    def __str__(self) -> str:
        return f"{self.wave} · {self.area} · {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, verbose_name=_("答卷"), on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, verbose_name=_("题目"), on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True, help_text=_("空表示“不清楚”"))

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="surveys_answer_once")]
