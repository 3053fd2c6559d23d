from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import rules
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
    past decisions were judged by them. The list says which rows the code declares (core.rules) and lists declared
    rules that have no row yet."""

    form = RuleForm
    list_display = ("key", "version", "title", "effective_from", "effective_to", "declared_status", "source")

    @admin.display(description=_("代码登记"))
    def declared_status(self, obj):
        declaration = rules.declared().get(obj.key)
        if declaration is None:
            return _("未登记：代码不读取此规则")
        return _("已登记（缺失时：%s）") % rules.POLICIES[declaration.on_missing]

    def changelist_view(self, request, extra_context=None):
        existing = set(Rule.objects.values_list("key", flat=True).distinct())
        missing = [{"key": key, "title": d.title, "policy": rules.POLICIES[d.on_missing], "source": d.versions[-1].source}
                   for key, d in sorted(rules.declared().items()) if key not in existing]
        return super().changelist_view(request, {**(extra_context or {}), "declared_missing": missing})
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
