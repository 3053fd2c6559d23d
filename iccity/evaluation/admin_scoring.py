"""Admin for scoring runs (read-only: runs are made by ``do_score_period``), manual score events (through the
actions) and report-quality flags (read-only). ``admin.py`` imports this module."""
from __future__ import annotations

from django import forms
from django.contrib import admin

from iccity.core.admin_mixins import ReadOnlyAdmin
from iccity.core.rules import RuleMissing, rule_value

from . import scoring

from .actions.scoring import do_add_score_adjustment
from .models import QualityFlag, ScoreAdjustment, ScoreEntry, ScoreRun, UnitScore


class UnitScoreInline(admin.TabularInline):
    model = UnitScore
    fields = ("rank", "unit", "base", "bonus", "deduction", "total", "previous_rank")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ScoreRun)
class ScoreRunAdmin(ReadOnlyAdmin):
    list_display = ("period", "rule", "is_current", "computed_at", "computed_by", "is_demo")
    list_filter = ("is_current", "is_demo")
    search_fields = ("period",)
    inlines = [UnitScoreInline]


@admin.register(ScoreEntry)
class ScoreEntryAdmin(ReadOnlyAdmin):
    list_display = ("run", "unit", "event", "role", "points", "capped", "occurred_on", "description")
    list_filter = ("event", "capped")
    search_fields = ("unit__name", "description")
    list_select_related = ("run__rule", "unit")


@admin.register(QualityFlag)
class QualityFlagAdmin(ReadOnlyAdmin):
    list_display = ("revision", "code", "reason", "created_at")
    list_filter = ("code",)
    list_select_related = ("revision__report__cycle", "revision__report__task", "revision__report__unit")


class ScoreAdjustmentForm(forms.ModelForm):
    class Meta:
        model = ScoreAdjustment
        fields = ("unit", "event", "occurred_on", "reason", "comment")

    def clean(self):
        data = super().clean()
        day, event = data.get("occurred_on"), data.get("event")
        if day and event:
            try:
                rows = scoring.manual_events(rule_value(scoring.SCORING_RULE, day))
            except RuleMissing:
                rows = []
            if event not in {r["event"] for r in rows}:
                raise forms.ValidationError("“%s”不是该日生效规则中可手工录入的事项；可录入：%s"
                                            % (event, "、".join(r["event"] for r in rows) or "无"))
        return data


@admin.register(ScoreAdjustment)
class ScoreAdjustmentAdmin(admin.ModelAdmin):
    """New events go through ``do_add_score_adjustment`` (rule check, audit); existing ones are withdrawn on the
    page /evaluation/adjustments/, never edited or deleted."""

    list_display = ("occurred_on", "unit", "event", "reason", "entered_by", "withdrawn_at")
    list_filter = ("event",)
    form = ScoreAdjustmentForm
    fields = ("unit", "event", "occurred_on", "reason", "comment")
    raw_id_fields = ("comment",)

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = do_add_score_adjustment(obj.unit, obj.event, obj.occurred_on, obj.reason, actor=request.user,
                                        comment=obj.comment)
        obj.pk = saved.pk
