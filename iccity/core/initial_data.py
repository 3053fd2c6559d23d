"""Core's default policy rules (run by ``iccity bootstrap``); the office edits them in the rule table."""
from .identity_rules import do_ensure_default_rules


def load(stdout) -> None:
    created = do_ensure_default_rules()
    if created:
        stdout.write(f"身份鉴别规则：新增默认规则 {len(created)} 条（登录失败锁定、会话超时、口令复杂度）")
