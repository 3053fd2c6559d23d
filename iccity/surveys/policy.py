"""surveys in the authorization contract: the satisfaction survey is public."""
from __future__ import annotations

from iccity.core import navigation, policy


def register() -> None:
    policy.register_public("surveys.take_survey", "满意度调查")
    navigation.register("public", "满意度调查", "surveys:waves", "surveys.take_survey", order=60)
