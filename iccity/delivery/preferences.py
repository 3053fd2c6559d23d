"""Per-person notice preferences: for each channel (站内, 邮件, 钉钉, 企业微信) immediate, a daily digest, or off.

A missing row means immediate, which is how notices went out before preferences existed. The one fixed rule:
红色督办 always reaches the person in-app (the bell counts it whatever the in-app choice), because a red supervision
notice must not go unseen. Preferences act on personal channels only (``Channel.person``): a unit's group robot or
shared mailbox serves several people, so no single person's choice silences it.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import NoticeChannel, NoticeKind, NoticeMode, NotificationPreference

CHANNELS = list(NoticeChannel)
MODES = list(NoticeMode)
ALWAYS_INAPP = frozenset({NoticeKind.RED})  # kinds the in-app channel shows whatever the person chose

RULES = [
    _("“即时”：每条通知生成后立即送达；“每日汇总”：当天的通知在每天固定时间合并为一条发送；“关闭”：该渠道不再发送。"),
    _("红色督办始终在站内提醒（铃铛计数），站内渠道的“关闭”或“每日汇总”对红色督办不起作用。"),
    _("站内选择“每日汇总”时，通知中心照常列出全部通知，铃铛只在每日汇总时间提醒；选择“关闭”时铃铛只提醒红色督办。"),
    _("邮件、钉钉、企业微信的偏好只作用于您的个人渠道（由领导小组办公室在通知渠道中登记）；单位群机器人和单位邮箱由单位统一接收，不受个人偏好影响。"),
]


def modes_for(user_ids) -> dict[tuple[int, str], str]:
    """(user id, channel) → mode for the given users, one query; missing pairs are immediate."""
    rows = NotificationPreference.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "channel", "mode")
    return {(user_id, channel): mode for user_id, channel, mode in rows}


def mode_of(modes: dict, user_id: int | None, channel: str, kind: str = "") -> str:
    if user_id is None:
        return NoticeMode.IMMEDIATE  # a person without an account cannot choose: they get what everybody got before
    mode = modes.get((user_id, channel), NoticeMode.IMMEDIATE)
    if channel == NoticeChannel.INAPP and kind in ALWAYS_INAPP:
        return NoticeMode.IMMEDIATE
    return mode


def preferences_of(user) -> dict[str, str]:
    """Every channel's mode for one person (the preferences page)."""
    modes = modes_for([user.pk])
    return {channel.value: mode_of(modes, user.pk, channel) for channel in CHANNELS}
