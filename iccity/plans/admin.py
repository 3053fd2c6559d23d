"""Plan versions are immutable records of imported documents: their content is read-only here. What the office
may change (plan settings, a unit's lead/co role, a target's status) goes through audited actions."""
from django.contrib import admin, messages

from iccity.core.admin_mixins import AuditedAdmin, ReadOnlyAdmin

from .actions import do_set_assignment_role
from .models import Assignment, Goal, ImportDraft, Measure, Milestone, Plan, PlanVersion, Target, Task, TaskGroup



@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ("name", "slug", "report_cycle", "created_at")
    search_fields = ("name", "slug")


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    can_delete = False
    readonly_fields = ("year", "text", "position")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "title", "issued_on", "source_filename", "imported_at", "imported_by")
    list_filter = ("plan",)
    inlines = [GoalInline]


@admin.register(TaskGroup)
class TaskGroupAdmin(ReadOnlyAdmin):
    list_display = ("version", "number", "title")
    list_filter = ("version__plan",)


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    can_delete = False
    readonly_fields = ("position", "text")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("key", "title", "kind", "group", "version")
    list_filter = ("version__plan", "kind", "version")
    search_fields = ("title", "text")
    inlines = [MeasureInline]

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff


@admin.action(description="设为牵头单位")
def make_lead(modeladmin, request, queryset):
    _set_role(request, queryset, "lead")


@admin.action(description="设为配合单位")
def make_co(modeladmin, request, queryset):
    _set_role(request, queryset, "co")


def _set_role(request, queryset, role):
    for assignment in queryset.filter(parent__isnull=True):
        do_set_assignment_role(assignment, role, actor=request.user, reason="管理后台批量调整")
    messages.success(request, "已调整，并记入操作记录")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("task", "unit", "position", "role", "role_source", "parent")
    list_filter = ("role", "role_source", "task__version__plan", "unit__unit_type")
    search_fields = ("unit__name", "task__title", "listed_name")
    actions = [make_lead, make_co]

    def has_change_permission(self, request, obj=None):
        # needed for admin actions; the change form itself stays read-only through readonly_fields
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ("text", "year", "subject", "comparator", "value", "unit", "kind", "status")
    list_filter = ("status", "kind", "version__plan")


@admin.register(ImportDraft)
class ImportDraftAdmin(ReadOnlyAdmin):
    """Uploads waiting for review: corrected on the review page (audited actions), never edited here."""
    list_display = ("source_filename", "plan_slug", "status_label", "created_by", "created_at", "version")
    exclude = ("data",)

    @admin.display(description="状态")
    def status_label(self, obj):
        return obj.get_status_display()


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("version", "position", "title", "starts_on", "due_on")
