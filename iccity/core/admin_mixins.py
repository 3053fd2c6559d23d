"""Admin classes route saves and deletes through core actions, so admin edits are audited like any other change."""
from django.contrib import admin

from .actions import do_delete_reference_data, do_save_reference_data


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        do_save_reference_data(obj, actor=request.user, changed_fields=form.changed_data, created=not change,
                               save=lambda: super(AuditedAdmin, self).save_model(request, obj, form, change))

    def delete_model(self, request, obj):
        do_delete_reference_data(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            do_delete_reference_data(obj, actor=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through actions (versions, reports, cases, observations): viewable, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
