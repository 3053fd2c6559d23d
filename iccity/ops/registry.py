"""The periodic-job registry that ``iccity worker`` runs.

This app sits low (above core and orgs); the apps that own a job add it from their ``AppConfig.ready()`` with one
line, so no app below has to know about the apps above it::

    from iccity.ops.registry import Every, register
    register("delivery.tick", "督办定时任务", Every(minutes=15), command=("delivery", "tick"))

A job is a management command (argv after ``iccity``, or a function ``now -> argv`` for arguments that depend on the
date) or a plain callable ``fn(stdout)``. Commands must be safe to run twice: a worker that dies mid-run leaves the
job to be run again after its lease expires.
"""
from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass
from collections.abc import Callable, Sequence

from django.utils import timezone


class Schedule(abc.ABC):
    """When a job is due. Times are the site's local time (Asia/Shanghai)."""

    def last_slot(self, now: dt.datetime) -> dt.datetime | None:
        """The most recent scheduled instant at or before ``now`` (None for intervals, which override is_due)."""
        return None

    def is_due(self, now: dt.datetime, last_start: dt.datetime | None) -> bool:
        slot = self.last_slot(now)
        return last_start is None or last_start < slot

    @abc.abstractmethod
    def next_after(self, now: dt.datetime, last_start: dt.datetime | None) -> dt.datetime:
        """When the job is next due."""

    @abc.abstractmethod
    def describe(self) -> str:
        """The schedule in Chinese words, for the jobs page."""

    # How long a run may hold the job's lease before another worker may assume it died.
    def default_timeout(self) -> dt.timedelta:
        return dt.timedelta(hours=1)


@dataclass(frozen=True)
class Every(Schedule):
    minutes: int

    def __post_init__(self):
        if self.minutes < 1:
            raise ValueError("interval must be at least one minute")

    def is_due(self, now, last_start):
        return last_start is None or now >= last_start + dt.timedelta(minutes=self.minutes)

    def next_after(self, now, last_start):
        return now if last_start is None else max(now, last_start + dt.timedelta(minutes=self.minutes))

    def describe(self):
        return f"每 {self.minutes} 分钟"

    def default_timeout(self):
        return max(dt.timedelta(minutes=self.minutes * 2), dt.timedelta(minutes=10))


@dataclass(frozen=True)
class Daily(Schedule):
    hour: int
    minute: int = 0

    def last_slot(self, now):
        local = timezone.localtime(now)
        slot = local.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        return slot if slot <= local else slot - dt.timedelta(days=1)

    def next_after(self, now, last_start):
        if self.is_due(now, last_start):
            return now
        return self.last_slot(now) + dt.timedelta(days=1)

    def describe(self):
        return f"每天 {self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True)
class Yearly(Schedule):
    month: int
    day: int
    hour: int = 9
    minute: int = 0

    def _slot(self, local: dt.datetime, year: int) -> dt.datetime:
        return local.replace(year=year, month=self.month, day=self.day, hour=self.hour, minute=self.minute,
                             second=0, microsecond=0)

    def last_slot(self, now):
        local = timezone.localtime(now)
        slot = self._slot(local, local.year)
        return slot if slot <= local else self._slot(local, local.year - 1)

    def next_after(self, now, last_start):
        if self.is_due(now, last_start):
            return now
        local = timezone.localtime(now)
        return self._slot(local, self.last_slot(now).year + 1)

    def describe(self):
        return f"每年 {self.month} 月 {self.day} 日 {self.hour:02d}:{self.minute:02d}"


Argv = Sequence[str]


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    schedule: Schedule
    command: Argv | Callable[[dt.datetime], Argv] | None = None
    func: Callable | None = None
    timeout: dt.timedelta | None = None

    def argv(self, now: dt.datetime) -> list[str]:
        command = self.command(now) if callable(self.command) else self.command
        return [str(part) for part in command]

    def describe_action(self, now: dt.datetime) -> str:
        if self.command is not None:
            return "iccity " + " ".join(self.argv(now))
        return f"{self.func.__module__}.{self.func.__qualname__}"

    @property
    def lease_timeout(self) -> dt.timedelta:
        return self.timeout or self.schedule.default_timeout()


_jobs: dict[str, Job] = {}


def register(name: str, label: str, schedule: Schedule, *, command=None, func=None,
             timeout: dt.timedelta | None = None) -> Job:
    """Add a job (idempotent for the same name, so a re-imported AppConfig does no harm)."""
    if (command is None) == (func is None):
        raise ValueError(f"job {name}: give exactly one of command= or func=")
    if len(name) > 80:
        raise ValueError(f"job {name}: name longer than 80 characters")
    if isinstance(command, str):
        raise ValueError(f"job {name}: command is an argv list, e.g. ('delivery', 'tick')")
    job = Job(name, label, schedule, tuple(command) if command is not None and not callable(command) else command,
              func, timeout)
    _jobs[name] = job
    return job


def unregister(name: str) -> None:
    _jobs.pop(name, None)


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def get(name: str) -> Job:
    try:
        return _jobs[name]
    except KeyError:
        known = "、".join(sorted(_jobs)) or "（无）"
        raise KeyError(f"没有名为“{name}”的定时任务；已登记：{known}") from None
