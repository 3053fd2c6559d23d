"""Replayable test seeds: run an expensive setup (the Xiqing registry + plan import) once per test process, remember
every row it wrote, and on later calls insert the same rows again instead of running the setup.

Why it is safe: a seed is recorded and replayed only on a database where none of the rows it wrote exist yet (each
test runs in a transaction that is rolled back, so that is every test that starts clean). Primary keys are kept, so
the returned object and everything pointing at it are the same rows the real setup made. Foreign keys are deferred
until commit on both SQLite and PostgreSQL, so the insert order does not matter. Auto-set times are moved to the
platform's "now" (``core.clock``), as the real setup would have written them. Audit rows are appended again through
the hash chain (``core.audit_chain.append``), so the replayed trail links onto whatever chain the test database has.

Anything that is not clean falls back to running the real setup, so a seed can make a test faster but never different.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction

# Rows derived from others that the replay re-derives instead of copying.
NOT_COPIED = {"core.AuditChainHead"}


def _append_audit(copies: list[models.Model]) -> None:
    from iccity.core.audit_chain import append_many

    append_many(copies)


# model label → how its copies are written (default: one bulk insert).
WRITERS: dict[str, Callable[[list[models.Model]], None]] = {"core.AuditEvent": _append_audit}


@dataclass
class Seed:
    rows: list[tuple[type[models.Model], list[models.Model]]]
    result_model: type[models.Model]
    result_pk: object
    # Rows outside the seed that its rows point at (content types, rules…): they must exist to replay.
    outside: dict[type[models.Model], set]


_seeds: dict[str, Seed] = {}


def _all_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy and m._meta.label not in NOT_COPIED]


def _pks(model) -> set:
    return set(model._base_manager.values_list("pk", flat=True))


def _is_clean(seed: Seed) -> bool:
    if any(model._base_manager.filter(pk__in=[o.pk for o in objs[:50]]).exists() for model, objs in seed.rows):
        return False
    return all(model._base_manager.filter(pk__in=pks).count() == len(pks) for model, pks in seed.outside.items())


def _outside_references(rows) -> dict:
    inside = {(model, obj.pk) for model, objs in rows for obj in objs}
    outside: dict = {}
    for model, objs in rows:
        for f in model._meta.concrete_fields:
            if not f.is_relation or f.related_model is None:
                continue
            target = f.related_model._meta.concrete_model
            for obj in objs:
                value = getattr(obj, f.attname)
                if value is not None and (target, value) not in inside:
                    outside.setdefault(target, set()).add(value)
    return outside


def _auto_time_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)
            and (f.auto_now or f.auto_now_add or callable(f.default))]


def seeded(name: str, setup: Callable[[], models.Model]) -> models.Model:
    """Return what ``setup()`` returns, running it for real the first time and replaying its rows afterwards."""
    seed = _seeds.get(name)
    if seed is not None and _is_clean(seed):
        return _replay(seed)
    if seed is not None:
        return setup()
    tables = _all_models()
    before = {model: _pks(model) for model in tables}
    result = setup()
    rows = []
    for model in tables:
        new = [pk for pk in _pks(model) if pk not in before[model]]
        if new:
            rows.append((model, list(model._base_manager.filter(pk__in=new).order_by("pk"))))
    _seeds[name] = Seed(rows=rows, result_model=type(result), result_pk=result.pk, outside=_outside_references(rows))
    return result


def _replay(seed: Seed) -> models.Model:
    from iccity.core import clock

    now = clock.now()
    # One transaction: foreign keys are checked at its end, when every row is in (transactional tests autocommit).
    with transaction.atomic():
        _insert(seed, now)
    return seed.result_model._base_manager.get(pk=seed.result_pk)


def _insert(seed: Seed, now: dt.datetime) -> None:
    for model, objs in seed.rows:
        fields = _auto_time_fields(model)
        copies = []
        for obj in objs:
            copy = model(**{f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields})
            for f in fields:
                setattr(copy, f.attname, now if isinstance(getattr(copy, f.attname), dt.datetime) else getattr(copy, f.attname))
            copies.append(copy)
        WRITERS.get(model._meta.label, model._base_manager.bulk_create)(copies)
