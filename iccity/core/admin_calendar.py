"""Admin for holiday data. Saves and deletes go through ``core.actions_calendar`` (audited)."""
from django.contrib import admin

from .actions_calendar import (
    do_confirm_holiday_year,
    do_delete_holiday_override,
    do_set_holiday_override,
    do_unconfirm_holiday_year,
)
from .models_calendar import HolidayOverride, HolidayYear


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "source", "updated_at")
    list_filter = ("kind", "name")
    search_fields = ("name", "source", "note")
    date_hierarchy = "date"

    def get_readonly_fields(self, request, obj=None):
        # One row per date: to move an override, delete it and add a new one (both audited).
        return ("date",) if obj else ()

    def save_model(self, request, obj, form, change):
        saved = do_set_holiday_override(date=obj.date, kind=obj.kind, name=obj.name, source=obj.source,
                                        note=obj.note, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        do_delete_holiday_override(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            do_delete_holiday_override(obj, actor=request.user)


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "confirmed_at")

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj else ()

    def save_model(self, request, obj, form, change):
        saved = do_confirm_holiday_year(year=obj.year, source=obj.source, note=obj.note, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        do_unconfirm_holiday_year(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            do_unconfirm_holiday_year(obj, actor=request.user)
