"""Template filters of the translation table (core.words): ``{% load words %}`` then
``{{ e.action|words }}`` (an audit verb), ``{{ value|word:"light" }}`` (a code in a namespace), ``{{ e|audit_detail }}``
(before/after as a sentence), ``{{ s.confidence|confidence }}`` (a source's grade), ``{{ user|person }}`` (name and
unit) and ``{{ e|actor }}`` (who did an audited thing)."""
from __future__ import annotations

from django import template

from iccity.core import words as table

register = template.Library()


@register.filter(name="words")
def verb_words(code):
    return table.verb(str(code)) if code else ""


@register.filter
def word(code, namespace):
    return table.word(code, namespace)


@register.filter(name="confidence")
def confidence_words(text):
    return table.confidence(text)


@register.filter
def audit_detail(event):
    return table.audit_sentence(event.action, getattr(event, "before", None), getattr(event, "after", None))


@register.filter
def person(user, fallback=""):
    return table.person_display(user, fallback=fallback)


@register.filter
def signed_in_person(user):
    """The header's “姓名（单位）” of the signed-in person, looked up on every page (a constant cost per page)."""
    return table.person_display(user, fresh=True)


@register.filter
def actor(event):
    return table.actor_display(event)
