"""Marking demo data. Rows created inside ``marking()`` get ``is_demo=True`` through their field default, so the
demo generator can drive the real actions and every record it causes is still labelled 示例."""
from __future__ import annotations

import contextlib

_active = False

DEMO_LABEL = "示例"


def is_active() -> bool:
    return _active


@contextlib.contextmanager
def marking():
    global _active
    previous, _active = _active, True
    try:
        yield
    finally:
        _active = previous
