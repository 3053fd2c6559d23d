"""Shared action helpers. Every app's ``actions.py`` calls ``record_audit`` inside its own transaction."""
from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import policy, public_cache
from .models import AuditEvent


def actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return f"{full}（{actor.get_username()}）" if full else actor.get_username()


def record_audit(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: Any = None,
    after: Any = None,
    note: str = "",
) -> AuditEvent:
    from .audit_chain import append

    event = AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor)[:150],
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=before,
        after=after,
        note=note,
    )
    append(event)  # links it into the tamper-evident hash chain and saves it
    public_cache.changed(action)  # cached public pages are not served after this commits
    return event


def history_for(obj: models.Model):
    """Audit events about one object, newest first (the history panel)."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


def _field_values(obj: models.Model, names) -> dict:
    out = {}
    for name in names:
        try:
            field = obj._meta.get_field(name)
        except Exception:  # a form-only field
            continue
        if field.many_to_many:
            out[name] = sorted(str(v) for v in getattr(obj, name).all()) if obj.pk else []
        else:
            value = getattr(obj, field.attname, None)
            out[name] = value if isinstance(value, (int, float, bool, type(None))) else str(value)
    return out


def do_save_reference_data(obj: models.Model, *, actor, changed_fields=(), created: bool, save=None) -> models.Model:
    """Save an edit of reference data (units, aliases, task forces…) made in the admin, with its audit record.

    ``save`` performs the actual save (the admin passes its own so many-to-many fields are saved too).
    """
    from django.db import transaction

    policy.check_actor(actor, "core.manage_reference_data", obj)
    with transaction.atomic():
        before = None
        if not created and obj.pk:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = _field_values(stored, changed_fields) if stored else None
        (save or obj.save)()
        label = obj._meta.label_lower
        record_audit(actor, f"{label}.{'created' if created else 'updated'}", obj,
                     before=before, after=_field_values(obj, changed_fields), note="管理后台")
    return obj


def do_delete_reference_data(obj: models.Model, *, actor) -> None:
    from django.db import transaction

    policy.check_actor(actor, "core.manage_reference_data", obj)
    with transaction.atomic():
        record_audit(actor, f"{obj._meta.label_lower}.deleted", obj, note="管理后台")
        obj.delete()


class ActionRefused(Exception):
    """An action that cannot be done as asked; ``message`` is Chinese and shown to the user as it is."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class ConflictError(ActionRefused):
    """Somebody else changed the object first (two reviewers at once): nothing was written by the loser."""


def do_ensure_rules(rows, *, actor=None, note: str = "") -> list[str]:
    """Create the rule versions in ``rows`` that do not exist yet, by (key, version). Safe to run again, and never
    edits an existing row: the office's later versions and edits stay. Each row: key, title, value,
    effective_from, source, and optionally version (1), effective_to, notes. Returns "key vN" of the rows created."""
    from django.db import transaction

    from .models import Rule

    policy.check_actor(actor, "core.edit_rules")
    created = []
    rows = list(rows)
    with transaction.atomic():
        # one query for what exists (bootstrap, upgrade and test fixtures mostly find every row already there)
        have = set(Rule.objects.filter(key__in={row["key"] for row in rows}).values_list("key", "version"))
        for row in rows:
            version = row.get("version", 1)
            if (row["key"], version) in have:
                continue
            have.add((row["key"], version))
            rule = Rule.objects.create(key=row["key"], version=version, title=row["title"], value=row["value"],
                                       effective_from=row["effective_from"], effective_to=row.get("effective_to"),
                                       source=row["source"], notes=row.get("notes", ""))
            record_audit(actor, "core.rule.created", rule, after=row["value"], note=note)
            created.append(f"{row['key']} v{version}")
    return created


# Rule edits from the admin: a new version or new dates/source on an existing one, never a silent overwrite of a
# value that past decisions were judged by.
RULE_EDITABLE = ("effective_from", "effective_to", "source", "notes")


def _rule_state(rule) -> dict:
    return {"key": rule.key, "version": rule.version, "title": rule.title, "value": rule.value,
            "effective_from": rule.effective_from.isoformat(),
            "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
            "source": rule.source, "notes": rule.notes}


def check_rule_dates(effective_from, effective_to) -> None:
    if effective_to is not None and effective_to <= effective_from:
        raise ActionRefused("失效日期必须晚于生效日期")


def do_create_rule_version(*, key: str, title: str, value, effective_from, source: str, notes: str = "",
                           effective_to=None, actor=None):
    """Add the next version of rule ``key`` (version 1 for a new key). An open-ended earlier version that starts
    before the new one is closed on its start date, so exactly one version is in force on each day."""
    from django.db import transaction

    from .models import Rule

    policy.check_actor(actor, "core.edit_rules")
    if not (source or "").strip():
        raise ActionRefused("规则必须注明依据/来源")
    check_rule_dates(effective_from, effective_to)
    with transaction.atomic():
        versions = Rule.objects.select_for_update().filter(key=key).order_by("-version")
        latest = versions.first()
        previous = versions.filter(effective_to__isnull=True, effective_from__lt=effective_from).first()
        before = None
        if previous is not None:
            before = _rule_state(previous)
            previous.effective_to = effective_from
            previous.save(update_fields=["effective_to"])
            record_audit(actor, "core.rule.closed", previous, before=before, after=_rule_state(previous),
                         note=f"新版本自 {effective_from:%Y-%m-%d} 起生效")
        rule = Rule.objects.create(key=key, version=(latest.version + 1) if latest else 1, title=title, value=value,
                                   effective_from=effective_from, effective_to=effective_to, source=source,
                                   notes=notes)
        record_audit(actor, "core.rule.created", rule, before=before, after=_rule_state(rule), note="新版本")
    return rule


def do_update_rule(rule, *, actor=None, **changes):
    """Change the dates, source or notes of one rule version; its key, version and value stay as they were."""
    from django.db import transaction

    policy.check_actor(actor, "core.edit_rules", rule)
    unknown = set(changes) - set(RULE_EDITABLE)
    if unknown:
        raise ActionRefused("规则的键、版本和取值不能修改，请新建版本")
    with transaction.atomic():
        rule = type(rule).objects.select_for_update().get(pk=rule.pk)
        before = _rule_state(rule)
        for name, value in changes.items():
            setattr(rule, name, value)
        if not (rule.source or "").strip():
            raise ActionRefused("规则必须注明依据/来源")
        check_rule_dates(rule.effective_from, rule.effective_to)
        after = _rule_state(rule)
        if after == before:
            return rule
        rule.save(update_fields=list(changes))
        record_audit(actor, "core.rule.updated", rule, before=before, after=after)
    return rule
