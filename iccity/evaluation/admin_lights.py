"""Admin for lights and ratings: read-only, because lights are computed (``iccity evaluation lights``) and ratings are
made on the ratings page through ``do_rate_task`` (with the computed light stored beside them)."""
from django.contrib import admin

from iccity.core.admin_mixins import ReadOnlyAdmin

from .models import DeliveryRating, LightTransition, TaskLight


@admin.register(TaskLight)
class TaskLightAdmin(ReadOnlyAdmin):
    list_display = ("task", "colour", "computed_on", "changed_at", "rule")
    list_filter = ("colour",)
    search_fields = ("task__key", "task__title")
    list_select_related = ("task", "rule")


@admin.register(LightTransition)
class LightTransitionAdmin(ReadOnlyAdmin):
    list_display = ("task", "from_colour", "to_colour", "on", "created_at")
    list_filter = ("to_colour", "on")
    search_fields = ("task__key", "task__title")
    date_hierarchy = "on"
    list_select_related = ("task",)


@admin.register(DeliveryRating)
class DeliveryRatingAdmin(ReadOnlyAdmin):
    list_display = ("task", "quarter", "level", "computed_colour", "rated_by", "rated_at", "is_demo")
    list_filter = ("quarter", "level", "is_demo")
    search_fields = ("task__key", "task__title", "reasoning")
    list_select_related = ("task", "rated_by")
