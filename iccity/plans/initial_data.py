"""The Xiqing plan shipped with the platform (run by ``iccity bootstrap``; its rules are declared in ``rules.py``)."""
from .actions import XIQING_PLAN_FILE, XIQING_PLAN_SLUG, do_import_plan


def load(stdout) -> None:
    outcome = do_import_plan(XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name, plan_slug=XIQING_PLAN_SLUG,
                             note="随平台附带的方案文本")
    version = outcome.version
    stdout.write(f"方案《{version.title}》第{version.number}版{'已导入' if outcome.created else '已存在'}，"
                 f"重点任务 {version.tasks.filter(kind='task').count()} 项")
