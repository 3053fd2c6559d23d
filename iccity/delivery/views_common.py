"""What every delivery page shares: who is asking (``Scope``), the Chinese 403 page, refusals shown to the user,
and working-day countdowns.

Pages never save models: they call ``delivery.actions`` and show the action's Chinese message when it refuses.
"""
from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.calendar import CalendarDataMissing, WorkdayCalendar
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
            return forbidden(request, str(exc))
    return wrapper


def forbidden(request, message: str = ""):
    return render(request, "delivery/403.html", {"message": message or _("您没有权限执行此操作")}, status=403)


def back(request, fallback: str):
    """Plain form posts return to the page they came from (``next``), else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def flash_refusal(request, exc: ActionRefused | PermissionDenied) -> None:
    messages.error(request, getattr(exc, "message", None) or str(exc) or _("操作未完成"))


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
