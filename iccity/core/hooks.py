"""Per-app hooks: an app opts into a platform command by providing a module with a known name
(``initial_data`` for ``iccity bootstrap``, ``demo_data`` for ``iccity demo``)."""
from __future__ import annotations

import importlib
from types import ModuleType
from collections.abc import Iterator

from django.apps import apps


def app_modules(name: str) -> Iterator[ModuleType]:
    """``iccity.<app>.<name>`` for every iccity app that has one, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("iccity."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise  # the hook exists but imports something missing: that is a real error
