from django.contrib import admin

from iccity.core.admin_mixins import ReadOnlyAdmin

from .models import JobLease, JobRun


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ("label", "job", "started_at", "finished_at", "result", "trigger", "worker")
    list_filter = ("result", "job", "trigger")
    search_fields = ("job", "label", "error")
    date_hierarchy = "started_at"


@admin.register(JobLease)
class JobLeaseAdmin(ReadOnlyAdmin):
    list_display = ("name", "holder", "acquired_at", "expires_at")
