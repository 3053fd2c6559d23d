"""indicators in the authorization contract: the catalogue is public; data entry is the office's."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import is_office


def register() -> None:
    policy.register_public("indicators.view_catalogue", "指标")
    policy.register("indicators.import_data", "指标数据导入", "只有领导小组办公室工作人员可以录入指标数据", is_office,
                    kinds=policy.ANY)
    policy.register("indicators.manage_catalogue", "维护指标目录", "只有领导小组办公室工作人员可以维护指标目录",
                    is_office, kinds=policy.ANY)
    policy.register("indicators.manage_targets", "设定指标目标", "只有领导小组办公室工作人员可以设定或采用指标目标",
                    is_office, kinds=policy.ANY)
    policy.register("indicators.publish", "公开发布指标", "只有领导小组办公室工作人员可以决定指标是否公开",
                    is_office, kinds=policy.ANY)
    policy.register("indicators.create_edition", "编制综合指数", "只有领导小组办公室工作人员可以编制综合指数",
                    is_office, kinds=policy.ANY)
    navigation.register("public", "指标", "indicators:catalogue", "indicators.view_catalogue", order=20)
    navigation.register("monitoring", "指标数据导入", "indicators:import", "indicators.import_data", order=20)
