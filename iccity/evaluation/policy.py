"""evaluation in the authorization contract: public progress, the leader summary and command screen (district
leaders may open both: read-only dashboards are their job), ratings and the league table."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.actions import ActionRefused
from iccity.core.access import is_office


def reads_everything(person, obj=None) -> bool:
    return person.reads_everything


def reads_internal(person, obj=None) -> bool:
    """Leaders, the office and task-force staff: the leader summary shows them the whole plan's state."""
    return person.reads_everything or bool(person.task_forces)


def sees_scores(person, obj=None) -> bool:
    return person.office_admin or person.leader or bool(person.leads_task_forces)


def register() -> None:
    policy.register_public("evaluation.view_public_progress", "建设进展")
    policy.register("evaluation.view_leader_summary", "领导摘要", "只有区领导、领导小组办公室和专班可以查看领导摘要",
                    reads_internal, kinds=policy.ANY)
    policy.register("evaluation.view_command_screen", "指挥大屏", "只有领导小组办公室和区领导可以查看指挥大屏",
                    reads_everything, kinds=policy.ANY)
    policy.register("evaluation.view_ratings", "完成可能性评定", "只有领导小组办公室和区领导可以查看完成可能性评定",
                    reads_everything, kinds=policy.ANY)
    policy.register("evaluation.rate_task", "评定完成可能性", "只有领导小组办公室可以评定完成可能性", is_office,
                    kinds=policy.ANY, error=ActionRefused)
    policy.register("evaluation.adjust_scores", "手工计分", "只有领导小组办公室可以录入或撤销手工计分事项", is_office,
                    kinds=policy.ANY, error=ActionRefused)
    policy.register("evaluation.run_scoring", "计算考评得分", "只有领导小组办公室可以计算考评得分", is_office,
                    kinds=policy.ANY, error=ActionRefused)
    policy.register("evaluation.refresh_lights", "刷新任务亮灯", "只有领导小组办公室可以刷新任务亮灯", is_office,
                    kinds=policy.ANY, error=ActionRefused)
    policy.register("evaluation.view_scores", "考评排名", "只有领导小组办公室、区领导和专班负责人可以查看考评排名",
                    sees_scores, kinds=policy.ANY)
    navigation.register("public", "建设进展", "evaluation:public", "evaluation.view_public_progress", order=10)
    navigation.register("delivery", "领导摘要", "evaluation:leader", "evaluation.view_leader_summary", order=20)
    navigation.register("delivery", "指挥大屏", "evaluation:command", "evaluation.view_command_screen", order=30)
    navigation.register("delivery", "完成可能性评定", "evaluation:ratings", "evaluation.view_ratings", order=40)
    navigation.register("delivery", "考评排名", "evaluation:league", "evaluation.view_scores", order=50)
