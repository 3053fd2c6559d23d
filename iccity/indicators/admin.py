"""Indicators in the admin. The catalogue (frameworks, dimensions, indicators, membership) and targets are reference
data, saved through ``AuditedAdmin`` (audited like any other change). Releases, observations and index editions
are records: read-only here, they enter through the upload page, the API or the edition action, never by hand
edits that would bypass the checks and vintages. A target is adopted through ``do_adopt_target`` only."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from iccity.core.actions import ActionRefused
from iccity.core.admin_mixins import AuditedAdmin, ReadOnlyAdmin

from .models import (
    Dimension, Framework, IndexEdition, Indicator, IndicatorDimension, IndicatorTarget, Observation, Release,
    TargetStatus,
)



class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ("position", "code", "name", "aliases")


@admin.register(Framework)
class FrameworkAdmin(AuditedAdmin):
    list_display = ("name", "code", "version", "source")
    search_fields = ("name", "code")
    inlines = [DimensionInline]


@admin.register(Dimension)
class DimensionAdmin(AuditedAdmin):
    list_display = ("name", "code", "framework", "position")
    list_filter = ("framework",)
    search_fields = ("name", "code")


class MembershipInline(admin.TabularInline):
    model = IndicatorDimension
    extra = 1
    autocomplete_fields = ("dimension",)
    verbose_name = _("所属维度")
    verbose_name_plural = _("所属维度")


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    fk_name = "indicator"
    extra = 0
    fields = ("area", "kind", "comparator", "value", "upper", "year", "baseline_year", "status", "source_document")
    readonly_fields = ("status",)
    show_change_link = True


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("code", "name", "unit", "frequency", "value_kind", "responsible_unit", "published", "is_demo")
    list_filter = ("published", "frequency", "value_kind", "dimensions__framework", "is_demo")
    list_editable = ("published",)
    search_fields = ("code", "name", "definition")
    autocomplete_fields = ("responsible_unit",)
    filter_horizontal = ("tasks",)
    readonly_fields = ("is_demo",)
    inlines = [MembershipInline, TargetInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "definition", "unit", "published")}),
        (_("口径"), {"fields": ("direction", "frequency", "publication", "value_kind", "breakdowns",
                               "plausible_min", "plausible_max")}),
        (_("来源与责任"), {"fields": ("source_org", "source_note", "responsible_unit", "tasks", "limitations")}),
        (_("进展判定"), {"fields": ("trajectory_method", "threshold_scale")}),
        (_("其他"), {"fields": ("is_demo",)}),
    )


@admin.register(IndicatorDimension)
class IndicatorDimensionAdmin(AuditedAdmin):
    list_display = ("indicator", "dimension")
    list_filter = ("dimension__framework", "dimension")
    autocomplete_fields = ("indicator", "dimension")


@admin.action(description=_("采用所选目标"))
def adopt_targets(modeladmin, request, queryset):
    from .actions.catalogue import do_adopt_target

    adopted = 0
    for target in queryset.filter(status=TargetStatus.DRAFT):
        try:
            do_adopt_target(target, actor=request.user)
            adopted += 1
        except ActionRefused as exc:
            modeladmin.message_user(request, f"{target}：{getattr(exc, 'message', None) or exc}", messages.ERROR)
    if adopted:
        modeladmin.message_user(request, _("已采用 %(n)s 个目标") % {"n": adopted}, messages.SUCCESS)


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(AuditedAdmin):
    list_display = ("indicator", "area", "kind", "comparator", "value", "year", "baseline_year", "status", "is_demo")
    list_filter = ("status", "kind", "area", "is_demo")
    search_fields = ("indicator__name", "indicator__code", "source_document", "source_clause")
    autocomplete_fields = ("indicator", "reference_indicator")
    raw_id_fields = ("baseline_observation", "plan_target")
    # Adoption is a decision with its own audit record: the admin action, not a field edit.
    readonly_fields = ("status", "is_demo")
    actions = [adopt_targets]


class ObservationInline(admin.TabularInline):
    model = Observation
    extra = 0
    can_delete = False
    fields = ("indicator", "area", "period", "breakdown_kind", "breakdown_value", "value", "growth_rate",
              "is_cumulative", "note")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ("title", "publisher", "published_on", "status", "created_by", "created_at", "is_demo")
    list_filter = ("status", "publisher", "is_demo")
    search_fields = ("title", "publisher", "note")
    date_hierarchy = "published_on"
    inlines = [ObservationInline]


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "area", "period", "breakdown_kind", "breakdown_value", "value", "growth_rate",
                    "is_cumulative", "release", "is_demo")
    list_filter = ("area", "is_cumulative", "breakdown_kind", "release__status", "is_demo")
    search_fields = ("indicator__name", "indicator__code", "period", "breakdown_value", "release__title")
    list_select_related = ("indicator", "release")


@admin.register(IndexEdition)
class IndexEditionAdmin(ReadOnlyAdmin):
    list_display = ("name", "framework", "as_of", "created_at", "created_by", "is_demo")
    list_filter = ("framework", "is_demo")
    search_fields = ("name",)
