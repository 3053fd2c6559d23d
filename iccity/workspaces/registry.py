"""Desks (workspaces) and the work-item providers that fill them.

This app sits low (above core and orgs): it knows the four desks and how to show a section, never what the sections
count. A domain app contributes from its ``AppConfig.ready()`` with a module of its own (e.g. ``delivery/workbench.py``)::

    from iccity.workspaces.registry import landing, register
    register("delivery.review", "office", "待审核报告", review_section, urgency=20)
    landing("unit", "delivery:home")

A provider is ``fn(actor, limit, today) -> Section | None``: None when the section does not apply to that person,
otherwise a count and up to ``limit`` rows, computed in a fixed number of queries (aggregates and one sliced list),
whatever the amount of data. Every row's link must be a page the viewer may open.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from collections.abc import Callable

from django.urls import NoReverseMatch, reverse

OFFICE, TASKFORCE, UNIT, LEADER = "office", "taskforce", "unit", "leader"
# The desks in the order a person with several roles gets them by default (office > taskforce > leader > unit).
PRIORITY = (OFFICE, TASKFORCE, LEADER, UNIT)
TITLES = {OFFICE: "办公室工作台", TASKFORCE: "专班工作台", UNIT: "单位工作台", LEADER: "领导摘要"}
# Pages of this app; the unit desk and the leader summary belong to the apps above and are declared by them.
_LANDINGS: dict[str, str] = {OFFICE: "workspaces:office", TASKFORCE: "workspaces:taskforce"}

SEVERITIES = ("overdue", "due_soon", "attention", "info")  # most urgent first
SEVERITY_LABELS = {"overdue": "已逾期", "due_soon": "临近期限", "attention": "待处理", "info": "提示"}


@dataclass(frozen=True)
class Row:
    text: str                      # Chinese, what a person reads
    url: str                       # a page the viewer may open
    due: dt.date | None = None
    severity: str = "attention"    # one of SEVERITIES
    note: str = ""                 # e.g. "逾期3天", the unit's name

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, "")


@dataclass
class Section:
    key: str
    title: str
    count: int
    url: str = ""                  # the (filtered) page where this work is done
    link_text: str = "去处理"
    rows: list[Row] = field(default_factory=list)
    severity: str = "attention"    # of the section as a whole, when it has work
    urgency: int = 50              # from the registration: lower comes first among equal severities
    empty_text: str = "暂无"

    @property
    def sort_key(self) -> tuple:
        rank = SEVERITIES.index(self.severity) if self.severity in SEVERITIES else len(SEVERITIES)
        return (self.count == 0, rank, self.urgency, self.key)


Provider = Callable[[object, int, dt.date], "Section | None"]


@dataclass(frozen=True)
class Registration:
    key: str
    desk: str
    title: str
    provider: Provider
    urgency: int


_PROVIDERS: dict[str, Registration] = {}


def register(key: str, desk: str, title: str, provider: Provider, *, urgency: int = 50) -> None:
    """Add (or replace, so a reloaded app does not register twice) the section ``key`` on ``desk``."""
    if desk not in TITLES:
        raise ValueError(f"unknown desk {desk!r}")
    _PROVIDERS[key] = Registration(key, desk, title, provider, urgency)


def unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def landing(desk: str, url_name: str) -> None:
    """The page a desk opens on, for desks whose page lives in an app above this one."""
    if desk not in TITLES:
        raise ValueError(f"unknown desk {desk!r}")
    _LANDINGS[desk] = url_name


def registrations(desk: str | None = None) -> list[Registration]:
    return [r for r in _PROVIDERS.values() if desk is None or r.desk == desk]


def sections(desk: str, actor, *, limit: int = 5, today: dt.date | None = None) -> list[Section]:
    """The desk's sections for ``actor``, most urgent first (sections with work before empty ones)."""
    from iccity.core import clock

    today = today or clock.today()
    out = []
    for reg in registrations(desk):
        section = reg.provider(actor, limit, today)
        if section is None:
            continue
        section.key, section.urgency = reg.key, reg.urgency
        section.title = section.title or reg.title
        section.rows = section.rows[:limit]
        out.append(section)
    return sorted(out, key=lambda s: s.sort_key)


# ---------------------------------------------------------------- which desks a person has

def _has(desk: str, actor) -> bool:
    if actor is None or actor.is_public:
        return False
    return {OFFICE: actor.office_admin, TASKFORCE: bool(actor.task_forces), LEADER: actor.leader,
            UNIT: bool(actor.units)}[desk]


def landing_url(desk: str) -> str | None:
    name = _LANDINGS.get(desk)
    if not name:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Desk:
    code: str
    title: str
    url: str


def has_desk(person, desk: Desk) -> bool:
    """The rule behind ``workspaces.use_desk`` (the contract's predicate)."""
    return _has(desk.code, person)


def desk_named(code: str) -> Desk | None:
    """The desk ``code`` as installed (None for an unknown code or a desk whose page is not installed)."""
    url = landing_url(code) if code in TITLES else None
    return Desk(code, TITLES[code], url) if url else None


def desks_for(actor) -> list[Desk]:
    """The desks this person may use, in priority order (a desk whose page is not installed is left out)."""
    out = []
    for code in PRIORITY:
        if _has(code, actor):
            url = landing_url(code)
            if url:
                out.append(Desk(code, TITLES[code], url))
    return out


SESSION_KEY = "iccity_workspace"


def active_desk(request, actor, desks: list[Desk] | None = None) -> Desk | None:
    """The desk chosen in this session if the person still has it, else the first by priority."""
    desks = desks_for(actor) if desks is None else desks
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    for desk in desks:
        if desk.code == chosen:
            return desk
    return desks[0] if desks else None
