"""Default policy rules of the delivery loop (run by ``iccity bootstrap``); the office edits them in the admin."""
from .rules import do_ensure_default_rules


def load(stdout) -> None:
    created = do_ensure_default_rules()
    if created:
        stdout.write(f"督办规则：新增默认规则 {len(created)} 条（可在管理后台“规则表”中按本地制度修改）")
