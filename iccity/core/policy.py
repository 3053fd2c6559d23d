"""The one authorization contract: "may this person do this to this object?"

Each app declares its permissions in its own ``policy.py`` and registers them from ``AppConfig.ready()``: a code
(``"delivery.review_report"``), a Chinese label, a Chinese refusal message, a predicate ``(person, obj) -> bool``
judged from the person's roles and the object's state, the object kinds it is about, and optionally a queryset
filter for lists. Pages, API, admin, CLI and actions all ask ``may``/``check``/``restrict`` here, so a rule holds the
same everywhere and the menu (``core.navigation``) can show exactly the links whose page will open.

"person" is one type for every app: the orgs ``Actor``. core sits below orgs, so it only knows the ``Person``
protocol; orgs registers the resolver from a user, a request (or anything carrying an ``actor``) to an Actor.

Fail closed: an unknown permission code, or an object of a kind the permission is not about, is denied.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Protocol, runtime_checkable
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

ANY = object()  # ``kinds=ANY``: the answer does not depend on the object, whatever it is


@runtime_checkable
class Person(Protocol):
    """Who is asking (implemented by ``orgs.permissions.Actor``)."""

    user: Any
    office_admin: bool
    leader: bool

    @property
    def is_public(self) -> bool: ...


@dataclass(frozen=True)
class Permission:
    code: str
    label: str
    message: str
    predicate: Callable[[Any, Any], bool]
    kinds: Any = (type(None),)               # object kinds asked about; ``ANY`` for object-independent rights
    queryset_filter: Callable[[QuerySet, Any], QuerySet] | None = None
    error: type[Exception] = PermissionDenied
    public: bool = False                     # anonymous visitors may (public pages); predicate not consulted
    tags: tuple[str, ...] = field(default=())

    def accepts(self, obj) -> bool:
        return self.kinds is ANY or isinstance(obj, self.kinds)


_registry: dict[str, Permission] = {}
_resolver: list[Callable[[Any], Any]] = []


def register(code: str, label: str, message: str, predicate: Callable[[Any, Any], bool] | None = None, *,
             kinds: Any = (type(None),), queryset_filter=None, error: type[Exception] = PermissionDenied,
             public: bool = False) -> Permission:
    """Declare a permission (idempotent per code: ``ready()`` may run twice in tests)."""
    if predicate is None and not public:
        raise ValueError(f"permission {code} needs a predicate")
    if isinstance(kinds, type):
        kinds = (kinds,)
    perm = Permission(code, label, message, predicate or (lambda person, obj: True), kinds, queryset_filter, error,
                      public)
    _registry[code] = perm
    return perm


def register_public(code: str, label: str) -> Permission:
    """A page everybody may open, signed in or not."""
    return register(code, label, "", public=True, kinds=ANY)


def set_person_resolver(resolver: Callable[[Any], Any]) -> None:
    """orgs calls this in ready(): user / request / Actor-carrying object / None → Actor."""
    _resolver[:] = [resolver]


def person_for(subject) -> Any:
    """The Person behind a user, a request, an object carrying an ``actor`` (delivery's Scope) or a Person."""
    if not _resolver:
        raise RuntimeError("no person resolver registered (orgs is not installed?)")
    return _resolver[0](subject)


def permission(code: str) -> Permission | None:
    return _registry.get(str(code))


def registered() -> dict[str, Permission]:
    return dict(_registry)


def may(person, perm: str, obj=None) -> bool:
    """Whether ``person`` (a Person, or a user, request or anything carrying an ``actor``) may do ``perm`` to ``obj``."""
    rule = _registry.get(str(perm))
    if rule is None or not rule.accepts(obj):
        return False
    if rule.public:
        return True
    subject = _person(person)
    if _anonymous(subject):
        return False
    return bool(rule.predicate(subject, obj))


def check(person, perm: str, obj=None) -> None:
    """Raise the permission's error (PermissionDenied, or ActionRefused where the app declared it) with its message."""
    if not may(person, perm, obj):
        rule = _registry.get(str(perm))
        if rule is None:
            raise PermissionDenied(f"未知的权限：{perm}")
        raise rule.error(rule.message)


def check_actor(actor, perm: str, obj=None) -> None:
    """For actions: ``actor=None`` is the system itself (jobs, bootstrap, CLI without a user) and is not asked."""
    if actor is not None:
        check(actor, perm, obj)


def restrict(queryset: QuerySet, person, perm: str) -> QuerySet:
    """The rows of ``queryset`` that ``person`` may ``perm`` (one query; as NetBox's ``restrict()``).
    Without a declared filter the answer is all-or-nothing from the general right."""
    rule = _registry.get(str(perm))
    if rule is None:
        return queryset.none()
    if rule.queryset_filter is None:
        return queryset if may(person, perm) else queryset.none()
    subject = _person(person)
    if not rule.public and _anonymous(subject):
        return queryset.none()
    return rule.queryset_filter(queryset, subject)


def _person(subject):
    """Predicates always get the Person (an app keeps its own per-request context, such as delivery's Scope, in the
    Actor's cache)."""
    return subject if isinstance(subject, Person) else person_for(subject)


def _anonymous(person) -> bool:
    # Actor(user=None, office_admin=True) is the operator at the server console, acting for the office.
    return person.is_public and not person.office_admin


# -- pages ---------------------------------------------------------------------------------------------------------


def requires(code: str):
    """View decorator that enforces ``code`` and is what the menu reads (``view.required_permission``): anonymous
    people are sent to the login page (htmx calls get 401), others without the right get PermissionDenied."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if may(request, code):
                return view(request, *args, **kwargs)
            return refuse(request, code)

        wrapper.required_permission = code
        return wrapper

    return decorate


def refuse(request, code: str):
    """Anonymous visitors go to the login page (htmx calls get 401); others get PermissionDenied with the Chinese
    message (the site's 403 page, or the app's own where its wrapper catches it)."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import HttpResponse

    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        if getattr(request, "htmx", False):
            return HttpResponse("登录已过期，请刷新页面重新登录", status=401)
        return redirect_to_login(request.get_full_path())
    rule = _registry.get(code)
    raise PermissionDenied(rule.message if rule else f"未知的权限：{code}")
