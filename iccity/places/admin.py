"""Admin of the places app (Chinese; saves go through the audited reference-data action)."""
from django.contrib import admin

from iccity.core.admin_mixins import AuditedAdmin

from .models import Community, Place, PlaceSource, PlaceTag


class PlaceSourceInline(admin.TabularInline):
    model = PlaceSource
    extra = 0


@admin.register(Place)
class PlaceAdmin(AuditedAdmin):
    list_display = ("name", "kind", "district", "town", "opened_on", "latitude", "longitude", "is_published", "is_demo")
    list_filter = ("kind", "service_kind", "is_published", "is_demo", "tags", "town")
    search_fields = ("name", "address", "plan_mention")
    filter_horizontal = ("tags",)
    inlines = [PlaceSourceInline]
    readonly_fields = ("is_demo", "updated_at")


@admin.register(PlaceTag)
class PlaceTagAdmin(AuditedAdmin):
    list_display = ("name", "code")


@admin.register(Community)
class CommunityAdmin(AuditedAdmin):
    list_display = ("name", "town", "latitude", "longitude", "households", "is_demo")
    list_filter = ("town", "is_demo")
    search_fields = ("name",)
    readonly_fields = ("is_demo",)
