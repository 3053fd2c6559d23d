"""The one registry of policy rules. Each rule is declared once, in its app's ``rules.py`` (core's in
``identity_rules.py``), with its built-in default, effective date, source, confidence and what happens when no
version is in force (``on_missing``). Code reads rules only through ``rule_value`` / ``rule_in_force``, which never
write; ``iccity bootstrap`` and ``iccity upgrade`` create the declared rows that do not exist yet
(``do_ensure_declared_rules``), and the rule admin lists the declarations beside the rows.

Policies when no version is in force on the asked day:

- ``USE_DEFAULT``: the declared default while the key has no row at all (fresh database, tests); once the office has
  created rows, a day none of them covers is refused (``RuleMissing``) instead of silently using the default.
- ``DEFAULT_IF_NONE_IN_FORCE``: the declared default whenever no version is in force (login and session limits: a
  gap in the rule table must not lock everybody out).
- ``REFUSE``: ``RuleMissing`` with the declared Chinese message (legal periods that must be entered with a source).
"""
from __future__ import annotations

import datetime as dt
import importlib
import sys
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .actions import ActionRefused
from .models import Rule
from .timefmt import doc_date

USE_DEFAULT = "use_default"
DEFAULT_IF_NONE_IN_FORCE = "default_if_none_in_force"
REFUSE = "refuse"
POLICIES = {
    USE_DEFAULT: _("从未录入时使用默认值"),
    DEFAULT_IF_NONE_IN_FORCE: _("无生效版本时使用默认值"),
    REFUSE: _("无生效版本时拒绝办理"),
}
CONFIDENCES = {"primary": "原始法规", "secondary": "转引资料", "local policy": "本地政策/平台默认值"}


class RuleMissing(Rule.DoesNotExist, ActionRefused):
    """No version in force and the rule's policy does not allow the default. Both an ``ActionRefused`` (the message
    is Chinese, shown as it is) and a ``Rule.DoesNotExist`` (the API answers 400 naming the rule)."""

    def __init__(self, message: str):
        ActionRefused.__init__(self, message)


@dataclass(frozen=True)
class Version:
    """One built-in version of a declared rule (a rule changed by law keeps its earlier versions)."""

    version: int
    title: str
    value: Any
    effective_from: dt.date
    source: str
    confidence: str
    effective_to: dt.date | None = None
    notes: str = ""

    def covers(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    def as_row(self, key: str) -> dict:
        notes = self.notes if "confidence" in self.notes else "；".join(
            filter(None, [f"confidence: {self.confidence}", self.notes]))
        return {"key": key, "version": self.version, "title": self.title, "value": self.value,
                "effective_from": self.effective_from, "effective_to": self.effective_to, "source": self.source,
                "notes": notes}


@dataclass(frozen=True)
class Declaration:
    key: str
    versions: tuple[Version, ...]
    on_missing: str
    refusal: str  # Chinese; may use {key}, {title}, {on} (a date) and {day} (2026年11月6日)
    complete: bool  # fill keys a later version left out from the default
    module: str = field(compare=False, default="")

    @property
    def title(self) -> str:
        return self.versions[-1].title

    def default_on(self, on: dt.date) -> Version | None:
        return next((v for v in reversed(self.versions) if v.covers(on)), None)


@dataclass(frozen=True)
class InForce:
    """The value to apply on a day and where it came from: a rule row (``pk`` set) or the declared default."""

    key: str
    value: Any
    version: int
    pk: int | None
    from_default: bool
    row: Rule | None = field(default=None, compare=False, repr=False)


_declared: dict[str, Declaration] = {}
_discovered = False


class DuplicateRule(ValueError):
    pass


def declare(key: str, *, title: str = "", default: Any = None, effective_from: dt.date | None = None,
            source: str = "", confidence: str = "local policy", on_missing: str = USE_DEFAULT, refusal: str = "",
            notes: str = "", effective_to: dt.date | None = None, complete: bool = False,
            versions: list[Version] | tuple[Version, ...] = ()) -> str:
    """Declare rule ``key`` once: either one version (title, default, effective_from, source, confidence) or
    ``versions``. Returns the key, so a module writes ``ACK_DEADLINE = declare("delivery.ack_deadline", …)``."""
    if key in _declared:
        raise DuplicateRule(f"rule {key} declared twice ({_declared[key].module})")
    if on_missing not in POLICIES:
        raise ValueError(f"unknown on_missing policy {on_missing!r}")
    if not versions:
        versions = (Version(1, title, default, effective_from, source, confidence, effective_to, notes),)
    for version in versions:
        if not version.source or not version.title or version.effective_from is None:
            raise ValueError(f"rule {key} v{version.version}: a title, a source and an effective date are required")
        if version.confidence not in CONFIDENCES:
            raise ValueError(f"rule {key}: confidence must be one of {', '.join(CONFIDENCES)}")
    if on_missing == REFUSE and not refusal:
        raise ValueError(f"rule {key}: REFUSE needs a Chinese refusal message")
    caller = sys._getframe(1).f_globals.get("__name__", "")
    _declared[key] = Declaration(key, tuple(sorted(versions, key=lambda v: v.version)), on_missing, refusal,
                                 complete, caller)
    return key


def declared() -> dict[str, Declaration]:
    """Every declared rule, by key (imports each app's rules module the first time)."""
    global _discovered
    if not _discovered:
        from .hooks import app_modules

        importlib.import_module("iccity.core.identity_rules")
        for _module in app_modules("rules"):
            pass
        _discovered = True
    return _declared


def rule_in_force(key: str, on: dt.date | None = None) -> InForce:
    """What applies to ``key`` on ``on`` (core.clock's today by default), by the rule's policy. Never writes."""
    from . import clock

    on = on or clock.today()
    declaration = declared().get(key)
    row = (Rule.objects.filter(key=key, effective_from__lte=on)
           .exclude(effective_to__isnull=False, effective_to__lte=on)
           .order_by("-effective_from", "-version").first())
    if row is not None:
        value = row.value
        if declaration is not None and declaration.complete and isinstance(value, dict):
            default = declaration.default_on(on) or declaration.versions[-1]
            value = {**default.value, **value}
        return InForce(key, value, row.version, row.pk, False, row)
    if declaration is None:
        raise RuleMissing(f"规则“{key}”在 {on:%Y-%m-%d} 没有生效的版本")
    default = declaration.default_on(on)
    usable = default is not None and (
        declaration.on_missing == DEFAULT_IF_NONE_IN_FORCE
        or (declaration.on_missing == USE_DEFAULT and not Rule.objects.filter(key=key).exists()))
    if usable:
        value = dict(default.value) if isinstance(default.value, dict) else default.value
        return InForce(key, value, default.version, None, True)
    if declaration.on_missing == REFUSE:
        raise RuleMissing(declaration.refusal.format(key=key, on=on, day=doc_date(on), title=declaration.title))
    raise RuleMissing(f"规则“{declaration.title}”（{key}）在 {on:%Y-%m-%d} 没有生效的版本：请在规则表中补录")


def rule_value(key: str, on: dt.date | None = None) -> Any:
    """The value of ``key`` in force on ``on`` (core.clock's today by default). Never writes."""
    return rule_in_force(key, on).value


def do_ensure_declared_rules(*, keys=None, prefix: str = "", actor=None) -> list[str]:
    """Create the declared rule versions that do not exist yet, by (key, version) (``iccity bootstrap`` and
    ``iccity upgrade``). Never edits a row: the office's changes and later versions stay. Returns "key vN" created."""
    from .actions import do_ensure_rules

    rows = [version.as_row(key) for key, declaration in sorted(declared().items())
            if (keys is None or key in keys) and key.startswith(prefix) for version in declaration.versions]
    return do_ensure_rules(rows, actor=actor, note="默认规则（代码登记）")


def declared_row(key: str, version: int | None = None) -> dict:
    """The declared version (the latest by default) as a rule row, for ``do_ensure_rules`` (tests add a later
    version from it: ``{**declared_row(key), "version": 2, "value": …}``)."""
    declaration = declared()[key]
    chosen = declaration.versions[-1] if version is None else next(
        v for v in declaration.versions if v.version == version)
    return chosen.as_row(key)
