"""surveys in the authorization contract: the satisfaction survey is public; the office runs the waves and reviews
flagged responses."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import is_office
from iccity.core.actions import ActionRefused


def register() -> None:
    policy.register_public("surveys.take_survey", "满意度调查")
    policy.register("surveys.manage_surveys", "管理满意度调查",
                    "只有领导小组办公室可以管理满意度调查（问卷、商圈、轮次、冻结与发布）", is_office, kinds=policy.ANY,
                    error=ActionRefused)
    policy.register("surveys.review_responses", "审核异常答卷", "只有领导小组办公室可以审核异常答卷", is_office,
                    kinds=policy.ANY, error=ActionRefused)
    navigation.register("public", "满意度调查", "surveys:waves", "surveys.take_survey", order=60)
