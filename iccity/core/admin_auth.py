"""Admin pages for login lockouts and account security state. Removing a lockout row is an audited unlock."""
from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib import admin

from .actions_auth import do_unlock_login
from .admin_mixins import ReadOnlyAdmin
from .models_auth import UserSecurity


@admin.register(AccessAttempt)
class AccessAttemptAdmin(admin.ModelAdmin):
    list_display = ["attempt_time", "username", "ip_address", "failures_since_start", "path_info"]
    search_fields = ["username", "ip_address"]
    readonly_fields = ["attempt_time", "username", "ip_address", "user_agent", "path_info", "failures_since_start",
                       "http_accept"]
    exclude = ["get_data", "post_data"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        do_unlock_login(actor=request.user, username=obj.username, ip_address=obj.ip_address)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            do_unlock_login(actor=request.user, username=obj.username, ip_address=obj.ip_address)


@admin.register(UserSecurity)
class UserSecurityAdmin(ReadOnlyAdmin):
    list_display = ["user", "must_change_password", "password_changed_at", "last_login_at", "last_login_ip"]
    search_fields = ["user__username"]
