"""Slots the kernel declares and the apps above it fill in their ``AppConfig.ready()``, so the kernel never imports
an app (see the "Layers" section of docs/architecture.md).

- ``audit_task_scopes``: functions ``task_id -> Q`` over ``AuditEvent`` naming the task and the objects under it,
  for the audit export's "task" filter (plans adds the task itself, delivery its reports, work items, ...).
- ``retention_jobs``: ``(run(today) -> list of names, describe(names) -> line)`` run by ``iccity privacy anonymise``
  (complaints anonymises cases past the retention rule).
"""
from __future__ import annotations

from collections.abc import Callable

audit_task_scopes: list[Callable] = []
retention_jobs: list[tuple[Callable, Callable]] = []


def add_audit_task_scope(scope: Callable) -> None:
    if scope not in audit_task_scopes:
        audit_task_scopes.append(scope)


def add_retention_job(run: Callable, describe: Callable) -> None:
    if all(run is not known for known, _ in retention_jobs):
        retention_jobs.append((run, describe))


def audit_object_q(models_and_ids):
    """``Q`` over AuditEvent for each (model, ids) pair: the helper every audit scope uses."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    pairs = list(models_and_ids)
    cts = ContentType.objects.get_for_models(*(model for model, _ in pairs))
    q = Q(pk__in=[])
    for model, ids in pairs:
        q |= Q(content_type=cts[model], object_id__in=[str(pk) for pk in ids])
    return q
