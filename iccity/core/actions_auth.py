"""Identity actions: what happens at login and logout, password changes, lockout release, TOTP enrolment. Each
writes its audit record (action names start with ``auth.``) in the same transaction as the change."""
from __future__ import annotations

import datetime as dt
import time

from django.db import transaction
from django.utils import timezone

from . import clock, policy
from .actions import ActionRefused, record_audit
from .identity import client_ip
from .models_auth import UserSecurity

SESSION_STARTED = "iccity_auth_started"   # epoch seconds of the login (absolute lifetime)
SESSION_SEEN = "iccity_auth_seen"         # last activity, written at most once a minute (idle timeout)
SESSION_MUST_CHANGE = "iccity_must_change_password"
SESSION_PREVIOUS = "iccity_previous_login"  # {"at": ISO time, "ip": address} shown in the user menu


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def start_session(request, user) -> UserSecurity:
    """Mark a fresh authenticated session: when it started, whether the password must change, the previous login."""
    security = UserSecurity.for_user(user)
    request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = time.time()  # real time, as the middleware
    request.session[SESSION_MUST_CHANGE] = security.must_change_password or password_expired(user, security)
    request.session[SESSION_PREVIOUS] = (
        {"at": _local(security.last_login_at), "ip": security.last_login_ip or ""} if security.last_login_at else None)
    return security


def password_expired(user, security: UserSecurity) -> bool:
    """Past the rule's ``max_age_days`` (empty = never, as ASVS advises; 等保 testers may ask for e.g. 90)."""
    from .identity_rules import PASSWORD, rule_value

    max_age = rule_value(PASSWORD).get("max_age_days")
    if not max_age:
        return False
    changed = security.password_changed_at or user.date_joined
    return timezone.now() - changed > dt.timedelta(days=float(max_age))


def do_record_login(request, user, *, method: str = "password") -> None:
    """A successful login: shift the login history and audit it (with the address, never the password)."""
    with transaction.atomic():
        security = start_session(request, user)
        address = client_ip(request)
        UserSecurity.objects.filter(pk=security.pk).update(
            previous_login_at=security.last_login_at, previous_login_ip=security.last_login_ip,
            last_login_at=timezone.now(), last_login_ip=address)
        record_audit(user, "auth.login", user, after={"ip": address, "method": method}, note="登录成功")


def do_record_logout(request, user, *, reason: str = "") -> None:
    if user is None:
        return
    action, note = ("auth.session_expired", reason) if reason else ("auth.logout", "主动退出")
    record_audit(user, action, user, after={"ip": client_ip(request)}, note=note)


def do_record_login_failure(request, username: str) -> None:
    from django.contrib.auth import get_user_model

    locked = bool(getattr(request, "axes_locked_out", False))
    user = get_user_model()._default_manager.filter(username=username).first() if username else None
    record_audit(None, "auth.login_failed", user, after={"username": (username or "")[:150], "ip": client_ip(request),
                                                        "refused_while_locked": locked},
                 note="账号已锁定，拒绝尝试" if locked else "账号或密码错误")


def do_record_lockout(request, username: str | None, ip_address: str | None) -> None:
    """One audit row per lockout, not per refused attempt during it (those are auth.login_failed rows)."""
    from .identity import lockout_cooloff
    from .models import AuditEvent

    since = clock.now() - lockout_cooloff(request)
    if AuditEvent.objects.filter(action="auth.lockout", created_at__gte=since,
                                 after__username=username or "", after__ip=ip_address).exists():
        return
    record_audit(None, "auth.lockout", None, after={"username": username or "", "ip": ip_address},
                 note="登录失败次数超过规则上限，已暂时锁定")


def do_unlock_login(*, actor, username: str | None = None, ip_address: str | None = None) -> int:
    """Release a lockout early (the office, after checking who it was). Returns how many attempt rows were cleared."""
    from axes.utils import reset

    policy.check_actor(actor, "core.unlock_logins")
    if not username and not ip_address:
        raise ActionRefused("请指定要解锁的账号或地址")
    with transaction.atomic():
        count = reset(ip=ip_address or None, username=username or None)
        record_audit(actor, "auth.unlock", None, after={"username": username or "", "ip": ip_address or "",
                                                         "cleared": count}, note="解除登录锁定")
    return count


def do_mark_password_must_change(user, *, actor=None, note: str = "") -> None:
    # Only the system asks this (iccity bootstrap marks the initial password); no person's right to check.
    with transaction.atomic():
        UserSecurity.objects.update_or_create(user=user, defaults={"must_change_password": True})
        record_audit(actor, "auth.password.must_change", user, note=note or "下次登录须修改密码")


def do_confirm_totp(request, device, token: str) -> None:
    """Confirm a new authenticator app with a code it shows; the session counts as verified from then on."""
    from django_otp import login as otp_login

    allowed, _info = device.verify_is_allowed()
    if not allowed:
        raise ActionRefused("验证码错误次数过多，请稍后再试")
    if not device.verify_token(token):
        record_audit(request.user, "auth.otp.failed", request.user, after={"ip": client_ip(request)}, note="绑定验证码错误")
        raise ActionRefused("验证码不正确或已过期，请输入验证器当前显示的 6 位数字")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # one confirmed authenticator per user: an old one stops working when a new one is bound
        type(device).objects.filter(user=device.user).exclude(pk=device.pk).delete()
        otp_login(request, device)
        record_audit(request.user, "auth.otp.enrolled", request.user, after={"ip": client_ip(request)},
                     note="绑定身份验证器（TOTP）")


def do_verify_totp(request, token: str) -> None:
    from django_otp import devices_for_user
    from django_otp import login as otp_login

    for device in devices_for_user(request.user, confirmed=True):
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            record_audit(request.user, "auth.otp.failed", request.user, after={"ip": client_ip(request)},
                         note="验证码尝试过于频繁")
            raise ActionRefused("验证码错误次数过多，请稍后再试")
        if device.verify_token(token):
            otp_login(request, device)
            record_audit(request.user, "auth.otp.verified", request.user, after={"ip": client_ip(request)},
                         note="第二因素验证通过")
            return
    record_audit(request.user, "auth.otp.failed", request.user, after={"ip": client_ip(request)}, note="验证码错误")
    raise ActionRefused("验证码不正确或已过期，请输入验证器当前显示的 6 位数字")
