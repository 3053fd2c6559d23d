"""Admin of the events app (Chinese). Saves go through actions, so every change is audited and raises the
calendar SEQUENCE where subscribers would see it."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from iccity.core.actions import ActionRefused, do_delete_reference_data
from iccity.core.admin_mixins import ReadOnlyAdmin

from . import actions
from .models import Event, Occurrence


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    extra = 0
    fields = ("year", "starts_on", "ends_on", "edition", "confirmed", "status_label", "feed_sequence", "uid")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "rule_text", "venue", "task_key", "is_published", "is_demo")
    list_filter = ("kind", "date_rule", "is_published", "is_demo")
    search_fields = ("name", "description")
    readonly_fields = ("revision", "is_demo", "updated_at")
    inlines = [OccurrenceInline]
    actions = ["generate_occurrences"]

    def save_model(self, request, obj, form, change):
        try:
            actions.do_save_event(obj, actor=request.user, created=not change, note="管理后台",
                                  save=lambda: super(EventAdmin, self).save_model(request, obj, form, change))
        except ActionRefused as exc:
            self.message_user(request, exc.message, messages.ERROR)
            raise

    def delete_model(self, request, obj):
        do_delete_reference_data(obj, actor=request.user)

    @admin.action(description=_("按规则生成今明两年场次"))
    def generate_occurrences(self, request, queryset):
        from iccity.core import clock

        year = clock.today().year
        for event in queryset:
            try:
                made = actions.do_generate_occurrences(event, [year, year + 1], actor=request.user, note="管理后台")
                self.message_user(request, f"{event.name}：生成或更新 {len(made)} 个场次")
            except ActionRefused as exc:
                self.message_user(request, f"{event.name}：{exc.message}", messages.WARNING)


@admin.register(Occurrence)
class OccurrenceAdmin(ReadOnlyAdmin):
    """Editions change only through actions (SEQUENCE must rise): confirm and cancel are admin actions."""

    list_display = ("event", "starts_on", "ends_on", "edition", "status_label", "feed_sequence", "is_published", "is_demo")
    list_filter = ("event", "confirmed", "is_published", "is_demo")
    date_hierarchy = "starts_on"
    actions = ["confirm", "cancel"]

    def has_act_permission(self, request):
        # the table itself is read-only here; acting on editions needs the model's change permission
        return request.user.has_perm("events.change_occurrence")

    @admin.action(description=_("确认所选场次日期"), permissions=["act"])
    def confirm(self, request, queryset):
        for occ in queryset:
            try:
                actions.do_confirm_occurrence(occ, actor=request.user)
            except ActionRefused as exc:
                self.message_user(request, f"{occ}：{exc.message}", messages.WARNING)

    @admin.action(description=_("取消所选场次（在日历中发布为已取消）"), permissions=["act"])
    def cancel(self, request, queryset):
        for occ in queryset:
            try:
                actions.do_cancel_occurrence(occ, reason="管理后台取消", actor=request.user)
            except ActionRefused as exc:
                self.message_user(request, f"{occ}：{exc.message}", messages.WARNING)
