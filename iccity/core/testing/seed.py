"""Replayable test seeds: run an expensive setup (the Xiqing registry + plan import) once per test process, remember
every row it wrote, and on later calls insert the same rows again instead of running the setup.

Why it is safe: a seed is recorded and replayed only on a database where none of the rows it wrote exist yet (each
test runs in a transaction that is rolled back, so that is every test that starts clean). Primary keys are kept, so
the returned object and everything pointing at it are the same rows the real setup made. Foreign keys are deferred
until commit on both SQLite and PostgreSQL, so the insert order does not matter. Auto-set times are moved to the
platform's "now" (``core.clock``), as the real setup would have written them. Audit rows are appended again through
the hash chain (``core.audit_chain.append_many``), so the replayed trail links onto whatever chain the test database
has.

Content types are referred to by name, not id: a transactional test's flush re-creates them with new ids, and a seed
that pinned the old ids would never be clean again (it silently fell back to the real setup in ~all tests).

The rows are kept as the database's own parameters and written with one ``executemany`` per table: the ORM's
``bulk_create`` spent most of a replay preparing the same values again.

Anything that is not clean falls back to running the real setup, so a seed can make a test faster but never different.

``seeded_here`` is for a setup that builds on rows already there (people and a dispatched cycle on the seeded plan):
its recordings are keyed by the platform's time and a digest of every row in the database, so one is replayed only
onto the very state it was recorded on; any fixture that changed a row first gets the real setup.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

# Rows derived from others that the replay re-derives instead of copying.
NOT_COPIED = {"core.AuditChainHead"}
# Columns derived from others, left out of a state's digest (the replay re-derives them).
DERIVED_COLUMNS = {"core.AuditEvent": {"prev_hash", "row_hash"}}
# Rows written through their own path (the audit chain links each row to the one before it).
THROUGH_MODELS = {"core.AuditEvent"}


@dataclass
class _Table:
    model: type[models.Model]
    fields: list[models.Field]
    values: list[tuple]            # each row's attribute values, as recorded
    prepared: list[tuple]          # the same as database parameters
    now_columns: list[int]         # auto-set times, moved to "now" on replay
    type_columns: list[int]        # content type ids, looked up by name on replay
    type_names: dict[int, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Seed:
    tables: list[_Table]
    result_model: type[models.Model]
    result_pk: object
    # Rows outside the seed that its rows point at (rules, users…): they must exist to replay. Content types are
    # found by name instead (``_Table.type_names``).
    outside: dict[type[models.Model], set]


_seeds: dict[str, Seed] = {}


def _all_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy and m._meta.label not in NOT_COPIED]


def _pks(model) -> set:
    return set(model._base_manager.values_list("pk", flat=True))


def _clean_type_ids(seed: Seed) -> dict[int, int] | None:
    """The content type ids to replay with when the database is clean for ``seed`` (none of its rows there, every row
    it points at there), else None."""
    for table in seed.tables:
        if table.model._base_manager.filter(pk__in=[row[0] for row in table.values[:50]]).exists():
            return None
    if not all(model._base_manager.filter(pk__in=pks).count() == len(pks) for model, pks in seed.outside.items()):
        return None
    try:
        return _type_ids(seed)
    except ContentType.DoesNotExist:
        return None


def _is_content_type(f: models.Field) -> bool:
    return f.is_relation and f.related_model is not None and f.related_model._meta.concrete_model is ContentType


def _outside_references(tables: list[_Table]) -> dict:
    inside = {(t.model, row[0]) for t in tables for row in t.values}
    outside: dict = {}
    for t in tables:
        for i, f in enumerate(t.fields):
            if not f.is_relation or f.related_model is None or _is_content_type(f):
                continue
            target = f.related_model._meta.concrete_model
            for row in t.values:
                if row[i] is not None and (target, row[i]) not in inside:
                    outside.setdefault(target, set()).add(row[i])
    return outside


def _is_auto_time(f: models.Field) -> bool:
    return isinstance(f, models.DateTimeField) and bool(f.auto_now or f.auto_now_add or callable(f.default))


def _record(model, objs) -> _Table:
    # the primary key first, so the clean check finds it at row[0]
    fields = sorted(model._meta.concrete_fields, key=lambda f: not f.primary_key)
    values = [tuple(getattr(obj, f.attname) for f in fields) for obj in objs]
    table = _Table(
        model=model, fields=fields, values=values,
        prepared=[tuple(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)) for row in values],
        now_columns=[i for i, f in enumerate(fields) if _is_auto_time(f)],
        type_columns=[i for i, f in enumerate(fields) if _is_content_type(f)])
    for i in table.type_columns:
        for row in values:
            if row[i] is not None and row[i] not in table.type_names:
                ct = ContentType.objects.get_for_id(row[i])
                table.type_names[row[i]] = (ct.app_label, ct.model)
    return table


def seeded(name: str, setup: Callable[[], models.Model]) -> models.Model:
    """Return what ``setup()`` returns, running it for real the first time and replaying its rows afterwards."""
    seed = _seeds.get(name)
    type_ids = None if seed is None else _clean_type_ids(seed)
    if seed is not None:
        return setup() if type_ids is None else _replay(seed, type_ids)
    tables = _all_models()
    before = {model: _pks(model) for model in tables}
    result = setup()
    recorded = []
    for model in tables:
        new = [pk for pk in _pks(model) if pk not in before[model]]
        if new:
            recorded.append(_record(model, model._base_manager.filter(pk__in=new).order_by("pk")))
    _seeds[name] = Seed(tables=recorded, result_model=type(result), result_pk=result.pk,
                        outside=_outside_references(recorded))
    return result


def _type_ids(seed: Seed) -> dict[int, int]:
    """Recorded content type id → the id the same app_label.model has in this database now. Asked of the database,
    not the content type cache: a process that restored or flushed the database leaves that cache behind."""
    names = {old: natural for table in seed.tables for old, natural in table.type_names.items()}
    if not names:
        return {}
    current = {(app_label, model): pk for pk, app_label, model in ContentType.objects.filter(
        app_label__in={a for a, _ in names.values()}, model__in={m for _, m in names.values()},
    ).values_list("pk", "app_label", "model")}
    missing = [natural for natural in names.values() if natural not in current]
    if missing:
        raise ContentType.DoesNotExist(f"content types not in this database: {missing}")
    return {old: current[natural] for old, natural in names.items()}


def _replay(seed: Seed, type_ids: dict[int, int]) -> models.Model:
    from iccity.core import clock

    now = clock.now()
    # One transaction: foreign keys are checked at its end, when every row is in (transactional tests autocommit).
    with transaction.atomic():
        for table in seed.tables:
            _insert(table, now, type_ids)
    return seed.result_model._base_manager.get(pk=seed.result_pk)


def _patched(rows: list[tuple], table: _Table, now_values: dict[int, object], type_ids: dict[int, int],
             *, prepare: bool) -> list[tuple]:
    """Rows with their auto-set times at ``now`` and their content types as this database numbers them."""
    if not table.now_columns and not table.type_columns:
        return rows
    out = []
    for raw, row in zip(table.values, rows, strict=True):
        cells = list(row)
        for i in table.now_columns:
            if isinstance(raw[i], dt.datetime):
                cells[i] = now_values[i]
        for i in table.type_columns:
            if raw[i] is not None:
                new_id = type_ids[raw[i]]
                cells[i] = table.fields[i].get_db_prep_save(new_id, connection) if prepare else new_id
        out.append(tuple(cells))
    return out


def _insert(table: _Table, now: dt.datetime, type_ids: dict[int, int]) -> None:
    model = table.model
    if model._meta.label in THROUGH_MODELS:
        from iccity.core.audit_chain import append_many

        rows = _patched(table.values, table, dict.fromkeys(table.now_columns, now), type_ids, prepare=False)
        append_many([model(**{f.attname: v for f, v in zip(table.fields, row, strict=True)}) for row in rows])
        return
    now_values = {i: table.fields[i].get_db_prep_save(now, connection) for i in table.now_columns}
    rows = _patched(table.prepared, table, now_values, type_ids, prepare=True)
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in table.fields)}) "
           f"VALUES ({', '.join(['%s'] * len(table.fields))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def seeded_here(name: str, setup: Callable[[], models.Model]) -> models.Model:
    """Return what ``setup()`` returns; recorded the first time it runs on a given database state at a given platform
    time, replayed whenever the same state and time come again."""
    from iccity.core import clock

    return seeded(f"{name}@{clock.now().isoformat()}#{state_digest()}", setup)


@functools.cache
def _digest_queries() -> list[tuple[str, str, str]]:
    """(label, count query, rows query) per table: every column but auto-set times and derived ones, by key. The same
    for the whole process (one database, one set of models)."""
    quote = connection.ops.quote_name
    out = []
    for model in _all_models():
        skip = DERIVED_COLUMNS.get(model._meta.label, set())
        columns = [quote(f.column) for f in model._meta.concrete_fields if not _is_auto_time(f) and f.name not in skip]
        table = quote(model._meta.db_table)
        out.append((model._meta.label, f"(SELECT COUNT(*) FROM {table})",
                    f"SELECT {', '.join(columns)} FROM {table} ORDER BY {quote(model._meta.pk.column)}"))
    return out


def state_digest() -> str:
    """A digest of every row in the database (auto-set times and derived columns aside): one query counts the rows of
    every table, then only the tables that hold rows are read."""
    queries = _digest_queries()
    digest = hashlib.blake2b(digest_size=16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(count for _, count, _ in queries))
        counts = cursor.fetchone()
        for (label, _, rows), count in zip(queries, counts, strict=True):
            if count:
                cursor.execute(rows)
                digest.update(f"{label}:{cursor.fetchall()!r};".encode())
    return digest.hexdigest()
