"""HTTP API of the workspaces app (under /api/workspaces/): the caller's desks and the items on a desk, the same
sections the pages show."""
from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from iccity.core import policy
from iccity.orgs.permissions import actor_for

from . import registry
from .policy import OFFICE_DESK, TASKFORCE_DESK

router = Router(tags=["工作台"])


class DeskOut(Schema):
    code: str
    title: str
    url: str
    active: bool


class RowOut(Schema):
    text: str
    url: str
    due: dt.date | None
    severity: str
    note: str


class SectionOut(Schema):
    key: str
    title: str
    count: int
    url: str
    severity: str
    rows: list[RowOut]


@router.get("/mine", response=list[DeskOut], auth=django_auth, summary="我的工作台（按默认优先级，标出当前工作台）")
def mine(request):
    actor = actor_for(request)
    desks = registry.desks_for(actor)
    active = registry.active_desk(request, actor, desks)
    return [DeskOut(code=d.code, title=d.title, url=d.url, active=active is not None and d.code == active.code)
            for d in desks]


def _sections(request, code: str, permission: str, message: str):
    if not policy.may(request, permission):
        raise HttpError(403, message)
    return [SectionOut(key=s.key, title=s.title, count=s.count, url=s.url, severity=s.severity,
                       rows=[RowOut(text=r.text, url=r.url, due=r.due, severity=r.severity, note=r.note) for r in s.rows])
            for s in registry.sections(code, actor_for(request), limit=10)]


@router.get("/office/items", response=list[SectionOut], auth=django_auth, summary="办公室工作台：今天需要办公室处理的事项")
def office_items(request):
    return _sections(request, registry.OFFICE, OFFICE_DESK, "只有领导小组办公室工作人员可以使用办公室工作台")


@router.get("/taskforce/items", response=list[SectionOut], auth=django_auth, summary="专班工作台：本专班的任务、审核队列和单位报送")
def taskforce_items(request):
    return _sections(request, registry.TASKFORCE, TASKFORCE_DESK, "只有专班成员可以使用专班工作台")
