"""Audit of everything security-relevant that happens to accounts, wherever it is done (login page, admin, shell,
CLI): logins, logouts, failures, lockouts, user creation, password changes and resets, staff/superuser/active flags,
group and permission changes, role assignments. Connected in ``CoreConfig.ready``."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import clock
from .actions import record_audit
from .identity import current_actor

FLAGS = ("is_staff", "is_superuser", "is_active")


def on_logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    from .actions_auth import do_record_login

    backend = getattr(user, "backend", "") or ""
    do_record_login(request, user, method="oidc" if "oidc" in backend.lower() else "password")


def on_logged_out(sender, request, user, **kwargs):
    from .actions_auth import do_record_logout

    do_record_logout(request, user, reason=getattr(request, "_iccity_logout_reason", ""))


def on_login_failed(sender, credentials, request=None, **kwargs):
    from .actions_auth import do_record_login_failure

    do_record_login_failure(request, str(credentials.get("username") or ""))


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    from .actions_auth import do_record_lockout

    do_record_lockout(request, username, ip_address)


def before_user_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Remember what changes, so the audit row after the save can say it (one read; not for last_login updates)."""
    if raw or instance.pk is None or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values("password", *FLAGS).first()
    if stored is None:
        return
    instance._iccity_changes = {
        "password": stored["password"] != instance.password,
        "flags": {f: [stored[f], getattr(instance, f)] for f in FLAGS if stored[f] != getattr(instance, f)},
    }


def after_user_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    from .models_auth import UserSecurity

    actor = current_actor()
    if created:
        record_audit(actor, "auth.user.created", instance,
                     after={"username": instance.get_username(), **{f: getattr(instance, f) for f in FLAGS}},
                     note="创建账号")
        return
    changes = getattr(instance, "_iccity_changes", None)
    instance._iccity_changes = None
    if not changes:
        return
    if changes["flags"]:
        record_audit(actor, "auth.user.flags_changed", instance,
                     before={f: old for f, (old, _new) in changes["flags"].items()},
                     after={f: new for f, (_old, new) in changes["flags"].items()}, note="账号权限标志变更")
    if changes["password"]:
        by_self = actor is not None and actor.pk == instance.pk
        if by_self:
            UserSecurity.objects.update_or_create(user=instance, defaults={
                "must_change_password": False, "password_changed_at": clock.now()})
            record_audit(actor, "auth.password.changed", instance, note="本人修改密码")
        else:
            # Reset by somebody else (an administrator in the web admin): the owner must choose a new one at login.
            # A reset from the command line (no request) leaves that choice to the operator.
            defaults = {"password_changed_at": clock.now()}
            if actor is not None:
                defaults["must_change_password"] = True
            UserSecurity.objects.update_or_create(user=instance, defaults=defaults)
            record_audit(actor, "auth.password.reset", instance,
                         note="管理员重置密码，下次登录须修改" if actor is not None else "命令行或系统设置密码")


def on_user_m2m(sender, instance, action, pk_set, model, reverse=False, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    kind = "groups" if sender is get_user_model().groups.through else "permissions"
    names = sorted(str(obj) for obj in model._default_manager.filter(pk__in=pk_set or [])) if pk_set else []
    record_audit(current_actor(), f"auth.user.{kind}_changed", instance,
                 after={"change": action.removeprefix("post_"), kind: names}, note="用户组/权限变更")


def on_role_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    record_audit(current_actor(), "auth.role.granted" if created else "auth.role.changed", instance,
                 after={"person": str(instance.person), "role": instance.role, "unit_id": instance.unit_id,
                        "task_force_id": instance.task_force_id}, note="角色授权")


def on_role_deleted(sender, instance, **kwargs):
    """Also when the person, unit or task force is deleted and takes the role with it (cascade): the related rows
    may be gone already, so the record names them by what is still known."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        person = str(instance.person)
    except ObjectDoesNotExist:
        person = f"人员#{instance.person_id}"
    summary = {"person": person, "role": instance.role, "unit_id": instance.unit_id,
               "task_force_id": instance.task_force_id}
    record_audit(current_actor(), "auth.role.revoked", None,
                 before={**summary, "role_assignment_id": instance.pk}, note=f"撤销角色：{person} {instance.role}")


def on_user_deleted(sender, instance, **kwargs):
    record_audit(current_actor(), "auth.user.deleted", None,
                 before={"user_id": instance.pk, "username": instance.get_username()}, note="删除账号")


def on_otp_device_deleted(sender, instance, **kwargs):
    """An authenticator removed (admin, lost phone): the owner must bind a new one; who removed it is recorded."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        owner = instance.user
    except ObjectDoesNotExist:  # removed with its account
        owner = None
    record_audit(current_actor(), "auth.otp.removed", owner, after={"device": instance.name, "user_id": instance.user_id},
                 note="删除身份验证器")


def connect() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from axes.signals import user_locked_out

    User = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="iccity_auth_login")
    user_logged_out.connect(on_logged_out, dispatch_uid="iccity_auth_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="iccity_auth_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="iccity_auth_lockout")
    pre_save.connect(before_user_save, sender=User, dispatch_uid="iccity_auth_user_pre")
    post_save.connect(after_user_save, sender=User, dispatch_uid="iccity_auth_user_post")
    m2m_changed.connect(on_user_m2m, sender=User.groups.through, dispatch_uid="iccity_auth_groups")
    m2m_changed.connect(on_user_m2m, sender=User.user_permissions.through, dispatch_uid="iccity_auth_perms")
    post_delete.connect(on_user_deleted, sender=User, dispatch_uid="iccity_auth_user_deleted")
    post_delete.connect(on_otp_device_deleted, sender=TOTPDevice, dispatch_uid="iccity_auth_otp_deleted")
