"""The one translation table from internal codes to the words people read (issue 15 item 6).

Codes (audit verbs, states, reasons, channels, light colours, kinds, sources…) live in namespaces. Each app fills the
table from its own ``words.py`` module (``register(...)`` at import; loaded on first use through
``core.hooks.app_modules``, so the kernel never imports an app), and every model field with choices is registered
automatically under ``<app_label>.<model>.<field>``. Pages use the template filters in ``templatetags/words.py``;
Python code (API display fields, Word and Excel outputs) calls ``word``/``verb``/``audit_sentence``.

An unknown code is shown as “未知（code）” and remembered in ``UNKNOWN``, which the tests read: a missing label is
reported, never silently passed through.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

VERB = "audit"          # namespace of audit verbs
FIELD = "field"         # namespace of keys used in audit details

_table: dict[str, dict[str, Any]] = {}
_details: dict[str, Callable[[Any, Any], str]] = {}
_person_resolvers: list[Callable[[Any], str | None]] = []
_bulk_resolvers: list[Callable[[list[int]], dict[int, str]]] = []
_loaded = False
_lock = threading.Lock()
UNKNOWN: set[tuple[str, str]] = set()


def register(namespace: str, mapping: dict[str, Any] | Iterable[tuple[str, Any]]) -> None:
    """Add code → label pairs (labels may be lazy gettext) to a namespace; a TextChoices class works too."""
    if hasattr(mapping, "choices"):
        mapping = mapping.choices
    items = mapping.items() if isinstance(mapping, dict) else mapping
    _table.setdefault(namespace, {}).update({str(code): label for code, label in items})


def register_detail(verb_code: str, formatter: Callable[[Any, Any], str]) -> None:
    """How the before/after of one audit verb reads as a sentence (``formatter(before, after) -> str``)."""
    _details[verb_code] = formatter


def register_person_resolver(resolver: Callable[[Any], str | None]) -> None:
    """A function user → "姓名（单位）" or None; the orgs app adds one (the kernel does not know people)."""
    if resolver not in _person_resolvers:
        _person_resolvers.append(resolver)


def register_people_resolver(resolver: Callable[[list[int]], dict[int, str]]) -> None:
    """A function [user id] → {user id: "姓名（单位）"} for ``prime_people``."""
    if resolver not in _bulk_resolvers:
        _bulk_resolvers.append(resolver)


def _register_model_choices() -> None:
    from django.apps import apps

    for model in apps.get_models():
        for f in model._meta.get_fields():
            choices = getattr(f, "flatchoices", None)
            if getattr(f, "choices", None) and choices:
                register(f"{model._meta.label_lower}.{f.name}", [(c, label) for c, label in choices if c != ""])


def ensure_loaded() -> None:
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        from .hooks import app_modules

        _register_model_choices()
        for _module in app_modules("words"):
            pass  # importing registers
        _loaded = True


def known(namespace: str) -> dict[str, Any]:
    ensure_loaded()
    return dict(_table.get(namespace, {}))


def lookup(code: Any, namespace: str) -> str | None:
    ensure_loaded()
    label = _table.get(namespace, {}).get(str(code))
    return None if label is None else str(label)


def unknown(code: Any, namespace: str) -> str:
    UNKNOWN.add((namespace, str(code)))
    return _("未知（%(code)s）") % {"code": code}


def word(code: Any, namespace: str) -> str:
    """The label of ``code`` in ``namespace``; empty stays empty; an unknown code reads “未知（code）”."""
    if code is None or code == "":
        return ""
    label = lookup(code, namespace)
    return label if label is not None else unknown(code, namespace)


CONFIDENCE = "confidence"  # how sure a source is: the English grades of the research notes, in words


def confidence(text: Any) -> str:
    """A source's confidence grade in words (medium-high → 中高); a grade already written in Chinese
    (近似（地铁站代点）, 方案原文) is shown as written."""
    if text is None or text == "":
        return ""
    return lookup(str(text).strip().lower(), CONFIDENCE) or str(text)


def verb(code: str) -> str:
    """An audit verb in words. Registered verbs first; then "<app>.<model>.created|updated|deleted" from the model's
    own Chinese name (the admin's generic audit writes those for any model)."""
    label = lookup(code, VERB)
    if label is not None:
        return label
    parts = code.split(".")
    generic = {"created": _("新建"), "updated": _("修改"), "deleted": _("删除")}
    if len(parts) == 3 and parts[2] in generic:
        from django.apps import apps

        try:
            model = apps.get_model(parts[0], parts[1])
        except (LookupError, ValueError):
            model = None
        if model is not None:
            return f"{generic[parts[2]]}{model._meta.verbose_name}"
    return unknown(code, VERB)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (list, tuple)):
        return "、".join(_value(v) for v in value)
    return "" if value is None else str(value)


def _pairs(data: Any) -> str | None:
    """A flat dict whose keys are all in the FIELD namespace, as “键 值；键 值”; otherwise None."""
    if not isinstance(data, dict) or not data:
        return None
    fields = _table.get(FIELD, {})
    def plain(v) -> bool:
        return not isinstance(v, (dict, list, tuple)) or all(not isinstance(x, (dict, list, tuple)) for x in v)

    if not all(k in fields and not isinstance(v, dict) and plain(v) for k, v in data.items()):
        return None
    return "；".join(f"{fields[k]} {_value(v)}" for k, v in data.items())


def audit_sentence(action: str, before: Any = None, after: Any = None) -> str:
    """The before/after of an audit record as a readable Chinese sentence, or "" when there is nothing a person
    should read here (the full record stays in the audit export). Never a Python dict."""
    ensure_loaded()
    formatter = _details.get(action)
    if formatter is not None:
        try:
            return formatter(before, after) or ""
        except (KeyError, TypeError, ValueError, AttributeError):
            return ""
    old, new = _pairs(before), _pairs(after)
    if old and new:
        return _("由 %(old)s 改为 %(new)s") % {"old": old, "new": new}
    return new or ""


# People ------------------------------------------------------------------------------------------------------------
_person_cache: dict[int, tuple[float, str]] = {}
PERSON_CACHE_SECONDS = 60.0


def person_display(user: Any, *, fallback: str = "", fresh: bool = False) -> str:
    """A person as people know them: “姓名（单位）” from the orgs registry, else the account's full name; the login
    name only when nothing else is known. ``None`` or anonymous → ``fallback`` or “系统”. ``fresh`` skips the cache
    (the page header: one query on every page, never “one on some pages” depending on the cache's age)."""
    if user is None or not getattr(user, "pk", None):
        return fallback or _("系统")
    ensure_loaded()
    now = time.monotonic()
    cached = _person_cache.get(user.pk)
    if cached and cached[0] > now and not fresh:
        return cached[1]
    text = None
    for resolver in _person_resolvers:
        text = resolver(user)
        if text:
            break
    if not text:
        full = user.get_full_name() if hasattr(user, "get_full_name") else ""
        text = full or (fallback if fallback and fallback != user.get_username() else "") or user.get_username()
    _person_cache[user.pk] = (now + PERSON_CACHE_SECONDS, text)
    return text


def prime_people(users: Iterable[Any]) -> None:
    """Look many people up at once (a page listing many actors): fills the cache with one query per resolver."""
    ensure_loaded()
    todo = {u.pk: u for u in users if u is not None and getattr(u, "pk", None) and u.pk not in _person_cache}
    if not todo:
        return
    now = time.monotonic()
    for bulk in _bulk_resolvers:
        for pk, text in bulk(list(todo)).items():
            _person_cache[pk] = (now + PERSON_CACHE_SECONDS, text)
            todo.pop(pk, None)


def actor_display(event: Any) -> str:
    """Who did an audited thing: the person now, or the label recorded at the time when the account is gone."""
    if getattr(event, "actor_id", None) and event.actor is not None:
        return person_display(event.actor)
    label = getattr(event, "actor_label", "") or ""
    return label or _("系统")


def clear_person_cache() -> None:
    _person_cache.clear()


# Words of the kernel itself ----------------------------------------------------------------------------------------
L = gettext_lazy
register(VERB, {
    "auth.lockout": L("账号被锁定"), "auth.login": L("登录"), "auth.login_failed": L("登录失败"),
    "auth.otp.enrolled": L("绑定身份验证器"), "auth.otp.failed": L("动态口令错误"), "auth.otp.removed": L("解除身份验证器"),
    "auth.otp.verified": L("动态口令验证通过"), "auth.password.changed": L("修改密码"),
    "auth.password.must_change": L("要求修改密码"), "auth.password.reset": L("重置密码"),
    "auth.role.granted": L("授予角色"), "auth.role.revoked": L("撤销角色"), "auth.unlock": L("解除锁定"),
    "auth.user.created": L("新建账号"), "auth.user.deleted": L("删除账号"), "auth.user.flags_changed": L("修改账号状态"),
    "auth.user.groups_changed": L("修改账号分组"), "auth.user.permissions_changed": L("修改账号权限"),
    "auth.logout": L("退出登录"),
    "core.holidayoverride.created": L("新增节假日调整"), "core.holidayoverride.deleted": L("删除节假日调整"),
    "core.holidayyear.confirmed": L("确认年度节假日安排"), "core.holidayyear.unconfirmed": L("撤销年度节假日确认"),
    "core.privacy.data_key_rotated": L("更换数据加密密钥"), "core.rule.closed": L("停用规则版本"),
    "core.rule.created": L("新增规则版本"), "core.rule.updated": L("修改规则版本"),
    "core.upload.refused": L("拒收超限上传"), "core.privacy.anonymised": L("匿名化到期个人信息"),
})
register(CONFIDENCE, {
    "high": L("高"), "medium-high": L("中高"), "medium": L("中"), "medium-low": L("中低"), "low-medium": L("中低"),
    "low": L("低"),
})
register(FIELD, {
    "count": L("数量"), "created": L("新增"), "updated": L("更新"), "removed": L("移除"), "deleted": L("删除"),
    "name": L("名称"), "title": L("标题"), "deadline": L("期限"), "new_deadline": L("新期限"), "reason": L("理由"),
    "note": L("说明"), "comment": L("意见"), "number": L("编号"), "version": L("版本"), "rows": L("行数"),
    "units": L("单位数"), "tasks": L("任务数"), "items": L("事项数"), "year": L("年份"), "date": L("日期"),
    "days": L("天数"), "period": L("期间"), "quarter": L("季度"), "published": L("公开"), "key": L("编号"),
    "cycles": L("周期数"), "reports": L("报告数"), "notices": L("通知数"), "skipped": L("跳过"), "file": L("文件"),
    "filename": L("文件名"), "ip": L("地址"),
})
