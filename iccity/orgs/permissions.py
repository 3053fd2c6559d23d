"""Who a user is in the delivery chain: computed once per request from ``RoleAssignment`` rows.

Every surface (pages, API, admin, CLI) asks the same questions through ``Actor`` and the per-app ``permissions``
modules, so a rule is enforced the same way everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .models import Role, RoleAssignment


@dataclass(frozen=True)
class Actor:
    user: object = None
    office_admin: bool = False
    leader: bool = False
    head_of: frozenset[int] = field(default_factory=frozenset)        # unit ids where the user is 单位负责人
    liaison_of: frozenset[int] = field(default_factory=frozenset)     # unit ids where the user is 联络员
    leads_task_forces: frozenset[int] = field(default_factory=frozenset)
    member_of_task_forces: frozenset[int] = field(default_factory=frozenset)
    # Per-request memo for apps' policy contexts (delivery's Scope), so each is computed once per request/action.
    cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def for_user(cls, user) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return cls(user=None)
        rows = list(RoleAssignment.objects.filter(person__user=user).values_list("role", "unit_id", "task_force_id"))
        by_role: dict[str, set[int]] = {}
        task_force_roles = (Role.TASK_FORCE_LEAD, Role.TASK_FORCE_MEMBER)
        for role, unit_id, task_force_id in rows:
            # The id comes from the field the role is scoped by: a unit role row with a task force filled in must
            # not make its holder head of the unit whose id equals the task force's.
            scoped_id = task_force_id if role in task_force_roles else unit_id
            by_role.setdefault(role, set()).add(scoped_id or 0)
        return cls(
            user=user,
            office_admin=user.is_superuser or Role.OFFICE_ADMIN in by_role,
            leader=Role.LEADER in by_role,
            head_of=frozenset(by_role.get(Role.UNIT_HEAD, set()) - {0}),
            liaison_of=frozenset(by_role.get(Role.LIAISON, set()) - {0}),
            leads_task_forces=frozenset(by_role.get(Role.TASK_FORCE_LEAD, set()) - {0}),
            member_of_task_forces=frozenset(by_role.get(Role.TASK_FORCE_MEMBER, set()) - {0}),
        )

    @property
    def is_public(self) -> bool:
        return self.user is None

    @property
    def units(self) -> frozenset[int]:
        """Units the user works for (as head or liaison)."""
        return self.head_of | self.liaison_of

    @property
    def task_forces(self) -> frozenset[int]:
        return self.leads_task_forces | self.member_of_task_forces

    @property
    def reads_everything(self) -> bool:
        """Office admins and district leaders read all submitted material (never other units' drafts)."""
        return self.office_admin or self.leader


def resolve_person(subject) -> Actor:
    """core.policy's resolver: an Actor, anything carrying one (delivery's Scope), a request, a user or None."""
    if isinstance(subject, Actor):
        return subject
    if hasattr(subject, "META") and hasattr(subject, "method"):
        return actor_for(subject)
    carried = getattr(subject, "actor", None)
    if isinstance(carried, Actor):
        return carried
    return Actor.for_user(subject)


def actor_for(request) -> Actor:
    """The request's Actor, computed once and cached on the request."""
    cached = getattr(request, "_iccity_actor", None)
    if cached is None:
        cached = Actor.for_user(getattr(request, "user", None))
        request._iccity_actor = cached
    return cached

