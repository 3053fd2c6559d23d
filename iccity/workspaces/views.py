"""``/`` sends each person to their desk; the office workbench and the task-force desk list what needs doing today,
each section linking to the (filtered) page where the work is done. The sections come from the registry."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.policy import requires
from iccity.orgs.permissions import actor_for

from . import registry
from .actions import do_switch_workspace
from .forms import SwitchForm
from .policy import OFFICE_DESK, TASKFORCE_DESK

# Where a visitor who is not signed in starts: the public portal (a URL name, not an import: portal sits above).
PUBLIC_LANDING = "portal:home"
ROWS_PER_SECTION = 5


def home(request):
    """``/``: the person's active desk; visitors go to the public pages."""
    if not request.user.is_authenticated:
        return redirect(reverse(PUBLIC_LANDING))
    actor = actor_for(request)
    desk = registry.active_desk(request, actor)
    if desk is None:
        return render(request, "workspaces/no_desk.html", {})
    return redirect(desk.url)


@require_POST
def switch(request):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("workspaces:home"))
    actor = actor_for(request)
    form = SwitchForm(request.POST, desks=registry.desks_for(actor))
    if not form.is_valid():
        messages.error(request, "您没有该工作台的权限")
        return redirect("workspaces:home")
    try:
        desk = do_switch_workspace(request, actor, form.cleaned_data["workspace"])
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("workspaces:home")
    return redirect(desk.url)


def _desk_view(code: str, permission: str):
    """A desk page: the contract's permission (what the menu reads too); opening a desk makes it the active one, so
    ``/`` comes back here."""
    def decorate(func):
        @requires(permission)
        @wraps(func)
        def wrapper(request):
            request.session[registry.SESSION_KEY] = code
            return func(request, actor_for(request))
        return wrapper
    return decorate


def _render_desk(request, actor, code: str, intro: str):
    today = clock.today()
    return render(request, "workspaces/desk.html", {
        "desk_title": registry.TITLES[code], "intro": intro, "today": today,
        "sections": registry.sections(code, actor, limit=ROWS_PER_SECTION, today=today), "nav": f"desk-{code}",
    })


@_desk_view(registry.OFFICE, OFFICE_DESK)
def office(request, actor):
    return _render_desk(request, actor, registry.OFFICE, "今天需要办公室处理的事项，最紧急的在前。")


@_desk_view(registry.TASKFORCE, TASKFORCE_DESK)
def taskforce(request, actor):
    return _render_desk(request, actor, registry.TASKFORCE, "本专班负责的任务、待审核报告和成员单位的报送情况。")
