"""Default rules of the evaluation app (run by ``iccity bootstrap``; safe to run twice): the lights rule and the
scoring area's points rules. The office edits them in the admin as new versions."""
from iccity.core.actions import do_ensure_rules

from . import lights, scoring


def default_rules() -> list[dict]:
    return list(lights.DEFAULT_RULES) + list(scoring.DEFAULT_RULES)


def load(stdout) -> None:
    created = do_ensure_rules(default_rules(), note="评估考核默认规则")
    if created:
        stdout.write(f"评估考核规则：新增默认规则 {len(created)} 条（{'、'.join(created)}）")
