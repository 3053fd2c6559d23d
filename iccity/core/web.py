"""What every app's pages share: the one Chinese 403 page (``templates/403.html``, the message passed in), refusals
shown to the user as messages, a refused form as one message that names its fields, and the safe return after a plain
form post."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .actions import ActionRefused


def forbidden(request, message: str = "", **context):
    """The 403 page with ``message`` (Chinese); ``back_url``/``back_label`` add a link back to the app's home."""
    return render(request, "403.html", {"message": message or _("您没有权限执行此操作"), **context}, status=403)


def flash_refusal(request, exc: ActionRefused | PermissionDenied) -> None:
    messages.error(request, getattr(exc, "message", None) or str(exc) or _("操作未完成"))


def form_problems(form) -> str:
    """A refused form's errors as one message for the top of the page, each after the label of its field
    (“申请延至：这个字段是必填项。；延期理由：…”): a message shown away from the form must say which field it means."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        parts += [f"{label}：{error}" if label else str(error) for error in errors]
    return "；".join(parts)


def flash_form_problems(request, form) -> None:
    messages.error(request, form_problems(form) or _("操作未完成"))


def back(request, fallback: str):
    """Plain form posts return to the page they came from (``next``), else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)
