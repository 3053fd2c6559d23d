"""Admin of the surveys app (Chinese; saves go through actions). Questionnaires are created by actions (a stored
version is never edited, answers refer to it); responses are read-only; waves are frozen and published by actions."""
from django.contrib import admin, messages

from iccity.core.actions import ActionRefused
from iccity.core.admin_mixins import AuditedAdmin, ReadOnlyAdmin

from .actions import do_freeze_wave, do_publish_to_indicators
from .models import Answer, Response, Survey, SurveyArea, SurveyDimension, SurveyItem, Wave


@admin.register(SurveyArea)
class SurveyAreaAdmin(AuditedAdmin):
    list_display = ("name", "code", "position", "active", "is_demo")
    list_filter = ("active", "is_demo")


class DimensionInline(admin.TabularInline):
    model = SurveyDimension
    extra = 0
    fields = ("code", "name", "weight", "position")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("title", "code", "version", "scale_max", "source")
    inlines = [DimensionInline]


@admin.register(SurveyItem)
class SurveyItemAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "text", "dimension", "weight")
    list_filter = ("dimension__survey", "dimension")


@admin.register(Wave)
class WaveAdmin(AuditedAdmin):
    list_display = ("title", "code", "opens_on", "closes_on", "status_label", "target", "frozen_at", "is_demo")
    readonly_fields = ("frozen_at",)
    filter_horizontal = ("areas",)
    actions = ["freeze", "publish"]

    @admin.display(description="状态")
    def status_label(self, obj):
        return obj.status_label()

    @admin.display(description="每商圈目标样本")
    def target(self, obj):
        return obj.sample_plan().n

    def get_readonly_fields(self, request, obj=None):
        # Once answers exist, the questionnaire and the sampling parameters are part of the record.
        if obj is not None and obj.responses.exists():
            return ("survey", "margin_of_error", "confidence", "design_effect", "expected_proportion", "frozen_at")
        return self.readonly_fields

    def _run(self, request, queryset, action, done: str):
        for wave in queryset:
            try:
                action(wave, actor=request.user)
                self.message_user(request, f"{wave}：{done}")
            except ActionRefused as exc:
                self.message_user(request, f"{wave}：{exc.message}", level=messages.ERROR)

    @admin.action(description="冻结所选轮次的结果（轮次结束后）")
    def freeze(self, request, queryset):
        self._run(request, queryset, do_freeze_wave, "结果已冻结")

    @admin.action(description="将冻结结果发布到指标“消费者满意度”")
    def publish(self, request, queryset):
        self._run(request, queryset, do_publish_to_indicators, "已发布到指标模块")


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("item", "score")
    readonly_fields = fields
    can_delete = False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    """Flagged responses (待审核) are reviewed here: the decision goes through ``do_review_response`` (audited)."""

    list_display = ("pk", "wave", "area", "submitted_at", "flag_labels", "held", "review", "is_demo")
    list_filter = ("held", "review", "wave", "area", "is_demo")
    exclude = ("device_hash", "address_key", "subnet_key", "pattern")
    inlines = [AnswerInline]
    actions = ["accept", "reject"]

    @admin.display(description="异常标记")
    def flag_labels(self, obj):
        from .stuffing import FLAG_LABELS

        return "；".join(FLAG_LABELS.get(f, f) for f in obj.flags) or "—"

    def _review(self, request, queryset, decision: str):
        from .actions import do_review_response

        for response in queryset:
            try:
                do_review_response(response, decision, actor=request.user, note="管理后台审核")
                self.message_user(request, f"答卷 {response.pk}：已审核")
            except ActionRefused as exc:
                self.message_user(request, f"答卷 {response.pk}：{exc.message}", level=messages.ERROR)

    @admin.action(description="审核通过：所选异常答卷计入指数")
    def accept(self, request, queryset):
        self._review(request, queryset, "accepted")

    @admin.action(description="审核不通过：所选异常答卷不计入指数")
    def reject(self, request, queryset):
        self._review(request, queryset, "rejected")
