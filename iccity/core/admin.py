from django.contrib import admin

from .models import AuditEvent, Rule


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by actions, never edited by hand."""

    list_display = ("created_at", "actor_label", "action", "object_repr", "note")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor_label", "note", "action")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("key", "version", "title", "effective_from", "effective_to", "source")
    list_filter = ("key",)
    search_fields = ("key", "title", "source")
from . import admin_calendar  # noqa: E402,F401
from . import admin_auth  # noqa: E402,F401  (identity: lockouts and account security state)
