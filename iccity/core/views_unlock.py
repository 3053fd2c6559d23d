"""The office releases a login lockout early (after checking who was locked out and why)."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from .policy import requires

from .actions_auth import do_unlock_login
from .forms_auth import UnlockForm
from .models import AuditEvent


@requires("core.unlock_logins")
def unlock(request):
    from axes.models import AccessAttempt

    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = do_unlock_login(actor=request.user, username=form.cleaned_data["username"],
                                ip_address=form.cleaned_data["ip_address"])
        messages.success(request, f"已解除锁定，清除失败记录 {count} 条。")
        return redirect("accounts:unlock")
    attempts = AccessAttempt.objects.order_by("-attempt_time")[:50]
    lockouts = AuditEvent.objects.filter(action__in=("auth.lockout", "auth.unlock"))[:20]
    return render(request, "core/accounts/unlock.html", {"form": form, "attempts": attempts, "lockouts": lockouts})
