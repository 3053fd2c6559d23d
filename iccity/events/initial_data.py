"""Bootstrap: the real recurring festivals and activities with their sources, and rule-based editions for this year
and next (safe to run twice: an existing event is never edited here)."""
from __future__ import annotations

import tomllib
from pathlib import Path

from django.db import transaction

from iccity.core import clock
from iccity.core.actions import ActionRefused

from .actions import do_add_occurrence, do_annotate_occurrence, do_generate_occurrences, do_save_event
from .models import DateRule, Event

EVENTS_FILE = Path(__file__).parent / "data" / "xiqing-events.toml"
EVENT_KEYS = ("kind", "task_key", "date_rule", "start_month", "start_day", "start_leap", "end_month", "end_day",
              "end_leap", "description", "internal_note", "sources")


def load_events(path: Path = EVENTS_FILE, *, actor=None) -> list[str]:
    from iccity.places.models import Place

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ActionRefused(f"活动数据文件无法读取：{path.name}（{exc}）") from exc
    created = []
    with transaction.atomic():
        for row in data.get("event", []):
            if Event.objects.filter(name=row["name"]).exists():
                continue
            event = Event(name=row["name"], is_published=row.get("is_published", True),
                          **{k: row[k] for k in EVENT_KEYS if k in row})
            if row.get("venue"):
                event.venue = Place.objects.filter(name=row["venue"]).first()  # None when places are not loaded
            do_save_event(event, actor=actor, created=True, note="载入活动数据")
            for ed in row.get("edition", []):
                fields = {"edition": ed.get("edition", ""), "note": ed.get("note", ""), "confirmed": ed.get("confirmed")}
                if "starts_on" in ed:
                    do_add_occurrence(event, starts_on=ed["starts_on"], ends_on=ed["ends_on"],
                                      edition=fields["edition"], confirmed=bool(fields["confirmed"]),
                                      note=fields["note"], actor=actor, audit_note="载入活动数据")
                else:
                    for occ in do_generate_occurrences(event, [ed["year"]], actor=actor, note="载入活动数据"):
                        do_annotate_occurrence(occ, actor=actor, **fields)
            created.append(event.name)
    return created


def ensure_upcoming(years=None, *, actor=None) -> int:
    """Rule-based editions for this year and next, for every event with a yearly rule."""
    today = clock.today()
    years = years or [today.year, today.year + 1]
    count = 0
    for event in Event.objects.exclude(date_rule=DateRule.NONE):
        count += len(do_generate_occurrences(event, years, actor=actor, note="按规则生成今明两年场次"))
    return count


def load(stdout) -> None:
    created = load_events()
    generated = ensure_upcoming()
    stdout.write(f"节庆活动：新增活动 {len(created)} 个，按规则生成场次 {generated} 个。\n")
