"""Per-user security state the auth tables do not keep: forced password change, where the last logins came from."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserSecurity(models.Model):
    """One row per user, created on first need. ``previous_*`` is the login before the current one: what the user is
    shown ("上次登录"), so a login they do not recognise stands out."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="security")
    must_change_password = models.BooleanField(_("须修改密码"), default=False,
                                               help_text=_("初始密码或管理员重置的密码，下次登录时必须修改"))
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    last_login_at = models.DateTimeField(_("本次登录时间"), null=True, blank=True)
    last_login_ip = models.GenericIPAddressField(_("本次登录地址"), null=True, blank=True)
    previous_login_at = models.DateTimeField(_("上次登录时间"), null=True, blank=True)
    previous_login_ip = models.GenericIPAddressField(_("上次登录地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号安全状态")
        verbose_name_plural = _("账号安全状态")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def for_user(cls, user) -> UserSecurity:
        return cls.objects.get_or_create(user=user)[0]
