"""indicators in the authorization contract: the catalogue is public; data entry is the office's."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import is_office


def register() -> None:
    policy.register_public("indicators.view_catalogue", "指标")
    policy.register("indicators.import_data", "指标数据导入", "只有领导小组办公室工作人员可以录入指标数据", is_office,
                    kinds=policy.ANY)
    navigation.register("public", "指标", "indicators:catalogue", "indicators.view_catalogue", order=20)
    navigation.register("monitoring", "指标数据导入", "indicators:import", "indicators.import_data", order=20)
