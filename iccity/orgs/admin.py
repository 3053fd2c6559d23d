from django.contrib import admin

from iccity.core.admin_mixins import AuditedAdmin

from .models import LeadingGroup, Person, RoleAssignment, TaskForce, Unit, UnitAlias


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "unit_type", "collective_rule", "agriculture_related", "verified", "active", "sort_order")
    list_filter = ("unit_type", "verified", "agriculture_related", "active")
    list_editable = ("agriculture_related", "verified", "active")
    search_fields = ("name", "full_name", "aliases__alias")
    filter_horizontal = ("manual_members",)
    inlines = [UnitAliasInline]


@admin.register(UnitAlias)
class UnitAliasAdmin(AuditedAdmin):
    list_display = ("alias", "unit")
    search_fields = ("alias", "unit__name")
    autocomplete_fields = ("unit",)


class TaskForceInline(admin.TabularInline):
    model = TaskForce
    extra = 0
    autocomplete_fields = ("host_unit",)


@admin.register(LeadingGroup)
class LeadingGroupAdmin(AuditedAdmin):
    list_display = ("name", "office_name", "office_host")
    filter_horizontal = ("members",)
    inlines = [TaskForceInline]


@admin.register(TaskForce)
class TaskForceAdmin(AuditedAdmin):
    list_display = ("name", "leading_group", "host_unit", "sort_order")
    autocomplete_fields = ("host_unit",)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ("unit",)


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("name", "unit", "title", "phone", "email", "user")
    list_filter = ("unit__unit_type",)
    search_fields = ("name", "unit__name", "phone", "email")
    autocomplete_fields = ("unit", "user")
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ("person", "role", "unit", "task_force")
    list_filter = ("role",)
    autocomplete_fields = ("person", "unit")
