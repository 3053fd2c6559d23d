"""Every declared policy rule that has no row yet (run by ``iccity bootstrap`` and ``iccity upgrade``; never edits
a row); the office edits them in the rule table."""
from .rules import do_ensure_declared_rules


def load(stdout) -> None:
    created = do_ensure_declared_rules()
    if created:
        stdout.write(f"规则表：新增默认规则 {len(created)} 条（{'、'.join(created)}）\n")
