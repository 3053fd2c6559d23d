"""What every delivery page shares: who is asking (``Scope``) and working-day countdowns (the 403 page, refusals
and the return after a form post are the kernel's ``core.web``).

Pages never save models: they call ``delivery.actions`` and show the action's Chinese message when it refuses.
"""
from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from iccity.core import clock
from iccity.core.calendar import CalendarDataMissing, WorkdayCalendar
from iccity.core.web import forbidden
from iccity.orgs.permissions import actor_for

from .models import ReportingCycle
from .permissions import Scope


def delivery_view(view):
    """Anonymous people go to the login page; ``request.scope`` is the caller's Scope; PermissionDenied → Chinese 403."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.htmx:
                return HttpResponse(_("登录已过期，请刷新页面重新登录"), status=401)
            return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:login"))
        request.scope = Scope.of(actor_for(request))
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return forbidden(request, str(exc), back_url=reverse("delivery:home"), back_label=_("返回我的任务"))
    return wrapper


class Countdown:
    """Working days left until a date; one calendar per page so holidays are read once (two queries)."""

    def __init__(self, today: dt.date | None = None):
        self.today = today or clock.today()
        self.calendar = WorkdayCalendar()

    def days(self, due: dt.date) -> dict:
        """``n`` working days left (negative once past); calendar days when the year has no holiday data yet."""
        try:
            n, workdays = self.calendar.workdays_between(self.today, due), True
        except CalendarDataMissing:
            n, workdays = (due - self.today).days, False
        # Overdue is judged on dates: a deadline on a Saturday is overdue on Sunday though no working day passed.
        return {"n": n, "abs": abs(n), "workdays": workdays, "due": due,
                "overdue": due < self.today, "is_today": due == self.today}


def current_cycle(cycles: list[ReportingCycle], today: dt.date) -> ReportingCycle | None:
    """The cycle whose period contains today, else the newest one that started (cycles are newest first)."""
    for cycle in cycles:
        if cycle.period_start <= today <= cycle.period_end:
            return cycle
    return next((c for c in cycles if c.period_start <= today), cycles[0] if cycles else None)
