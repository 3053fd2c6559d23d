"""Default rules of the evaluation app (run by ``iccity bootstrap``; safe to run twice): the lights rule and, when the
scoring area is there, its points rules. The office edits them in the admin as new versions."""
from iccity.core.actions import do_ensure_rules

from . import lights


def default_rules() -> list[dict]:
    rows = list(lights.DEFAULT_RULES)
    try:
        from .scoring import DEFAULT_RULES as SCORING_RULES
    except ImportError:
        SCORING_RULES = []
    return rows + list(SCORING_RULES)


def load(stdout) -> None:
    created = do_ensure_rules(default_rules(), note="评估考核默认规则")
    if created:
        stdout.write(f"评估考核规则：新增默认规则 {len(created)} 条（{'、'.join(created)}）")
