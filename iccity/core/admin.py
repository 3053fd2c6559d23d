from django import forms
from django.contrib import admin

from .actions import ActionRefused, RULE_EDITABLE, check_rule_dates, do_create_rule_version, do_update_rule
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


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ("key", "title", "value", "effective_from", "effective_to", "source", "notes")

    def clean(self):
        data = super().clean()
        if data.get("effective_from"):
            try:
                check_rule_dates(data["effective_from"], data.get("effective_to"))
            except ActionRefused as exc:
                self.add_error("effective_to", exc.message)
        return data


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    """Adding creates the next version of a key; editing changes only dates, source and notes. Both go through
    core.actions, so every rule change is in the audit trail with before and after. Versions are never deleted:
    past decisions were judged by them."""

    form = RuleForm
    list_display = ("key", "version", "title", "effective_from", "effective_to", "source")
    list_filter = ("key",)
    search_fields = ("key", "title", "source")

    def get_readonly_fields(self, request, obj=None):
        return ("key", "version", "title", "value") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = do_update_rule(obj, actor=request.user,
                                   **{name: data[name] for name in RULE_EDITABLE if name in form.changed_data})
        else:
            saved = do_create_rule_version(actor=request.user, **{name: data.get(name) for name in RuleForm.Meta.fields})
        obj.pk, obj.version = saved.pk, saved.version
from . import admin_calendar  # noqa: E402,F401
from . import admin_auth  # noqa: E402,F401  (identity: lockouts and account security state)
