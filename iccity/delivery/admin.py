"""Delivery in the admin: records of the loop are read-only here (they change only through the loop's actions);
configuration (channels, task-force coverage) is editable by the office, audited. Permissions are the same
``delivery.permissions`` rules the pages use, so the admin is no back door."""
from django.contrib import admin, messages

from iccity.core.actions import ActionRefused
from iccity.core.admin_mixins import AuditedAdmin, ReadOnlyAdmin
from iccity.orgs.permissions import actor_for

from .actions import do_update_work_item
from .models import (
    Acknowledgement, Channel, Comment, DrivenTask, Evidence, ExtensionRequest, Notice, NoticeDelivery, NoticeDigest,
    NotificationPreference, Report, ReportEvent, ReportingCycle, ReportRevision, WorkItem,
)
from .permissions import Perm, Scope, allowed, visible_reports


def _scope(request) -> Scope:
    return Scope.of(actor_for(request))


class OfficeOnlyMixin:
    """Only the leading-group office configures delivery."""

    def _office(self, request) -> bool:
        return actor_for(request).office_admin

    def has_module_permission(self, request):
        return self._office(request) or actor_for(request).reads_everything

    def has_view_permission(self, request, obj=None):
        return self._office(request) or actor_for(request).reads_everything

    def has_add_permission(self, request, obj=None):
        return self._office(request)

    def has_change_permission(self, request, obj=None):
        return self._office(request)

    def has_delete_permission(self, request, obj=None):
        return self._office(request)


class ReadOnlyRecordAdmin(OfficeOnlyMixin, ReadOnlyAdmin):
    """The office and leaders may look (OfficeOnlyMixin's view rules); nobody adds, changes or deletes.
    OfficeOnlyMixin comes first in the MRO, so the refusals are taken from ReadOnlyAdmin explicitly."""

    has_add_permission = ReadOnlyAdmin.has_add_permission
    has_change_permission = ReadOnlyAdmin.has_change_permission
    has_delete_permission = ReadOnlyAdmin.has_delete_permission


@admin.register(Channel)
class ChannelAdmin(OfficeOnlyMixin, AuditedAdmin):
    list_display = ("name", "kind", "unit", "person", "active")
    list_filter = ("kind", "active")
    raw_id_fields = ("person",)


@admin.register(DrivenTask)
class DrivenTaskAdmin(OfficeOnlyMixin, AuditedAdmin):
    list_display = ("task_force", "task")
    list_filter = ("task_force",)


@admin.register(WorkItem)
class WorkItemAdmin(OfficeOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "task", "lead_unit", "deadline", "baseline_deadline", "state", "is_demo")
    list_filter = ("state", "kind", "is_demo", "task__version__plan")
    search_fields = ("title", "description")
    readonly_fields = ("task", "parent", "source_measure", "baseline_deadline", "state", "completed_on", "created_by",
                       "is_demo")
    filter_horizontal = ("co_units",)

    def has_add_permission(self, request, obj=None):
        return False  # items are created from the task page (proposals from measures or a new item)

    def save_model(self, request, obj, form, change):
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f not in ("co_units",)}
        if "lead_unit" in changes:
            changes["lead_unit_id"] = changes.pop("lead_unit").pk
        try:
            do_update_work_item(WorkItem.objects.get(pk=obj.pk), changes, scope=_scope(request))
        except ActionRefused as exc:
            messages.error(request, exc.message)

    def save_related(self, request, form, formsets, change):
        if "co_units" in form.changed_data and allowed(_scope(request), Perm.MANAGE_WORK_ITEMS, form.instance):
            do_update_work_item(form.instance, {"co_units": form.cleaned_data["co_units"]}, scope=_scope(request))


# Report content follows the same visibility as the pages: drafts stay inside their unit, even for the office.
REPORT_PATH = {Report: "pk", ReportRevision: "report", ReportEvent: "report", Evidence: "revision__report"}


def _visible_queryset(self, request):
    qs = admin.ModelAdmin.get_queryset(self, request)
    path = REPORT_PATH.get(self.model)
    if path is None:
        return qs
    return qs.filter(**{f"{path}__in": visible_reports(_scope(request)).values("pk")})


for model, fields in [
    (Acknowledgement, ("assignment", "state", "dispatched_on", "due_on", "acted_at", "rerouted_to", "is_demo")),
    (ExtensionRequest, ("work_item", "current_deadline", "new_deadline", "state", "requested_at", "decided_at", "is_demo")),
    (ReportingCycle, ("label", "plan", "period_start", "period_end", "due_on", "closes_on", "is_demo")),
    (Report, ("cycle", "task", "unit", "is_lead", "state", "first_submitted_at", "accepted_at", "is_demo")),
    (ReportRevision, ("report", "number", "progress", "submitted_at", "author")),
    (ReportEvent, ("report", "action", "from_state", "to_state", "actor", "created_at")),
    (Evidence, ("original_name", "revision", "uploaded_by", "uploaded_at")),
    (Comment, ("task", "author", "is_instruction", "created_at", "is_demo")),
    (Notice, ("title", "kind", "unit", "document_number", "created_at", "is_demo")),
    (NoticeDelivery, ("notice", "channel", "state", "attempts", "sent_at")),
    # people set their own preferences on /delivery/notices/preferences/ (audited); the office only looks
    (NotificationPreference, ("user", "channel", "mode", "updated_at")),
    (NoticeDigest, ("user", "channel_kind", "day", "notice_count", "state", "attempts", "sent_at")),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyRecordAdmin,), {
        "list_display": fields,
        "list_filter": tuple(f for f in ("state", "kind", "is_demo", "is_lead") if f in fields),
        "get_queryset": _visible_queryset,
    }))
