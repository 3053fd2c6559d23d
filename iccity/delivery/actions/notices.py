"""Inbox state. Marking a notice read is the reader's own state: it goes through an action like everything else,
but is not audited (it changes nothing anyone else relies on)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from ..models import Notice
from ..permissions import Scope


def do_mark_notice_read(notice: Notice, *, scope: Scope) -> None:
    if notice.unit_id not in scope.actor.units and not scope.actor.reads_everything:
        raise PermissionDenied("只能标记本单位的通知")
    notice.read_by.add(scope.user)
