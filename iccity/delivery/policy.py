"""delivery in the authorization contract (``core.policy``): every ``Perm`` of ``permissions.py`` as a registered
permission (``delivery.view_report``, ``delivery.review_report``…), the page permissions and the menu entries.

The predicates judge through one ``Scope`` per request or action (cached on the Actor by ``scope_for``)."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import signed_in

from .permissions import CODES, DENIED_MESSAGES, LABELS, OBJECT_KINDS, Perm, Scope, rule, scope_for, visible_reports


# Rights judged from the roles alone: asking them (as the menu does on every page) costs no query.
ROLE_ONLY = {Perm.MANAGE_TASK_FORCES, Perm.VIEW_OVERVIEW}


def _predicate(perm: Perm):
    if perm in ROLE_ONLY:
        return lambda person, obj: rule(Scope(actor=person, review_task_ids=frozenset(), lead_task_ids=frozenset()),
                                        perm, obj)
    return lambda person, obj: rule(scope_for(person), perm, obj)


def _reviews_something(person, obj=None) -> bool:
    """The review queue: unit heads (their units' submitted reports), task forces and the office."""
    return person.office_admin or bool(person.task_forces) or bool(person.head_of)


def _reads_notice(person, obj=None) -> bool:
    """A notice: its unit's staff, or those who read everything; all one's notices at once: a person with a unit."""
    if obj is None:
        return person.user is not None and bool(person.units)
    return obj.unit_id in person.units or person.reads_everything


def register() -> None:
    from .models import Notice

    for perm in Perm:
        policy.register(CODES[perm], LABELS[perm], DENIED_MESSAGES[perm], _predicate(perm),
                        kinds=OBJECT_KINDS.get(perm, policy.ANY),
                        queryset_filter=(lambda qs, person: visible_reports(person, qs)) if perm == Perm.VIEW_REPORT else None)
    policy.register("delivery.view_my_tasks", "我的任务", "请先登录", signed_in, kinds=policy.ANY)
    policy.register("delivery.read_notice", "标记通知已读", "只能标记本单位的通知", _reads_notice,
                    kinds=(Notice, type(None)))
    policy.register("delivery.set_notice_preferences", "通知接收方式", "请先登录", signed_in, kinds=policy.ANY)
    policy.register("delivery.view_review_queue", "审核", "只有单位负责人、专班和领导小组办公室可以使用审核队列", _reviews_something,
                    kinds=policy.ANY)

    # People without a unit role land on their own queue from 我的任务, so the link is for unit staff.
    navigation.register("work", "我的任务", "delivery:home", "delivery.view_my_tasks", order=10,
                        audience=lambda person: bool(person.units))
    navigation.register("work", "审核", "delivery:review", "delivery.view_review_queue", order=20)
    navigation.register("delivery", "督办总览", "delivery:overview", CODES[Perm.VIEW_OVERVIEW], order=10)
    navigation.register("admin", "专班管理", "delivery:task_forces", CODES[Perm.MANAGE_TASK_FORCES], order=20)
