"""Words of the evaluation app for the translation table (core.words): audit verbs and the light colours."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register

register(VERB, {
    "evaluation.lights.refreshed": L("重新计算任务灯色"), "evaluation.quality.checked": L("检查报告质量"),
    "evaluation.rating.created": L("评定完成可能性"), "evaluation.score_adjustment.added": L("录入加减分"),
    "evaluation.score_adjustment.withdrawn": L("撤回加减分"), "evaluation.score_run.computed": L("计算考核得分"),
})
# Codes of the default ``evaluation.lights`` rule; the rule's own labels are the source of these words.
register("light", {"grey": L("灰灯（未启动或无数据）"), "green": L("绿灯（正常推进）"), "blue": L("蓝灯（临近时限）"),
                   "yellow": L("黄灯（滞后或轻度逾期）"), "red": L("红灯（严重逾期或严重滞后）")})
# Scoring events of the default ``evaluation.scoring`` rule (a later rule version may add events: they show as
# “未知（code）” until named here, and the words test reports them).
register("score_event", {
    "missing_report": L("缺报进展报告"), "late_report": L("逾期报送进展报告"), "no_substance": L("报告无实质性内容"),
    "on_time_completion": L("事项按期办结"), "unfinished_task": L("事项到期未完成"), "false_report": L("报告不实"),
    "leader_commendation": L("领导肯定性批示"), "city_leader_commendation": L("市领导肯定性批示"),
    "experience_published": L("经验做法被刊发"),
})
