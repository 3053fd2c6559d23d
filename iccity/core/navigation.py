"""One declaration of the pages people reach from the menu.

Each app declares its entries in ``AppConfig.ready()`` (usually from its ``policy.py``): the section, the Chinese
label, the URL name, the ``core.policy`` permission the page's view enforces (the view is decorated with
``core.policy.requires(that code)``, and a test checks the two agree), and the order. The menu in ``base.html``
shows a link only when ``policy.may(person, entry.permission)`` is true, so the click always works.

``audience`` narrows who sees a link without changing who may open the page (e.g. the plan pages are open to
everybody but the public menu stays short; 我的任务 is shown to unit staff, others land elsewhere).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

from django.urls import NoReverseMatch, reverse

from . import policy

SIGNED_IN = "signed_in"
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    order: int


@dataclass(frozen=True)
class Entry:
    section: str
    label: str
    url_name: str
    permission: str
    order: int = 100
    audience: Callable[[Any], bool] | str | None = None   # None: everybody the permission allows
    url: Callable[[dict], str] | None = None             # for URLs that need arguments from the page (plan slug)
    view_checked: bool = True                              # False for pages not served by a Django view we own

    def href(self, context: dict) -> str:
        if self.url is not None:
            return self.url(context)
        return reverse(self.url_name)


_sections: dict[str, Section] = {}
_entries: dict[tuple[str, str], Entry] = {}


def add_section(key: str, label: str, order: int) -> Section:
    _sections[key] = section = Section(key, label, order)
    return section


# The site's sections; an app may add its own with add_section.
add_section("work", "工作台", 10)
add_section("delivery", "督办", 20)
add_section("monitoring", "指标与监测", 30)
add_section("plan", "方案与单位", 40)
add_section("public", "公共服务", 50)
add_section("admin", "管理", 60)


def register(section: str, label: str, url_name: str, permission: str, *, order: int = 100, audience=None,
             url: Callable[[dict], str] | None = None, view_checked: bool = True) -> Entry:
    """Declare a menu entry (idempotent per section and URL name)."""
    if section not in _sections:
        raise ValueError(f"unknown menu section {section}")
    entry = Entry(section, label, url_name, permission, order, audience, url, view_checked)
    _entries[(section, url_name)] = entry
    return entry


def entries() -> list[Entry]:
    return sorted(_entries.values(), key=lambda e: (_sections[e.section].order, e.order, e.label))


def _in_audience(entry: Entry, person) -> bool:
    audience = entry.audience
    if audience is None:
        return True
    public = person.is_public and not person.office_admin
    if audience == SIGNED_IN:
        return not public
    if audience == ANONYMOUS:
        return public
    return bool(audience(person))


def visible_entries(person) -> list[Entry]:
    """The entries ``person`` sees: allowed by the page's own permission, and meant for them."""
    return [e for e in entries() if policy.may(person, e.permission) and _in_audience(e, person)]


def menu(context: dict) -> list[dict]:
    """The grouped menu for a template context (needs ``request``); links that cannot be reversed are left out."""
    request = context.get("request")
    if request is None:
        return []
    person = policy.person_for(request)
    path = request.path
    groups: dict[str, dict] = {}
    for entry in visible_entries(person):
        try:
            href = entry.href(context)
        except NoReverseMatch:
            continue
        section = _sections[entry.section]
        group = groups.setdefault(section.key, {"key": section.key, "label": section.label, "links": []})
        group["links"].append({"label": entry.label, "href": href, "url_name": entry.url_name,
                               "current": href.split("?")[0] == path})
    return list(groups.values())
