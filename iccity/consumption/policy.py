"""consumption in the authorization contract: the monitoring pages are for signed-in staff."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import is_office, signed_in


def register() -> None:
    policy.register("consumption.view_dashboard", "消费监测", "请先登录", signed_in, kinds=policy.ANY)
    policy.register("consumption.manage_data", "管理消费数据", "只有领导小组办公室可以导入、重算、清除或发布消费数据",
                    is_office, kinds=policy.ANY)
    navigation.register("monitoring", "消费监测", "consumption:dashboard", "consumption.view_dashboard", order=10)
