"""台账 subcommands of ``iccity reports`` (the command file calls ``add_arguments`` and ``handle``):

    iccity reports ledger-export [--unit 单位] [--as USER] --out FILE   (without --as: as the office, full rights)
    iccity reports ledger-import FILE --as USER [--apply]              (preview; --apply also applies it)
"""
from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.db.models import Q

from iccity.core.actions import ActionRefused
from iccity.orgs.models import Unit
from iccity.orgs.permissions import Actor

SUBCOMMANDS = ("ledger-export", "ledger-import")


def add_arguments(subparsers) -> None:
    export = subparsers.add_parser("ledger-export", help="导出任务台账（Excel）")
    export.add_argument("--unit", help="只导出该单位（名称或区划代码）")
    export.add_argument("--out", required=True, help="输出文件 .xlsx")
    export.add_argument("--as", dest="as_user", help="以该用户身份导出（默认：系统，即领导小组办公室）")
    imp = subparsers.add_parser("ledger-import", help="导入已填写的台账：先预览，加 --apply 才导入")
    imp.add_argument("file", help="台账文件 .xlsx")
    imp.add_argument("--as", dest="as_user", required=True, help="以该用户身份导入（权限同网页）")
    imp.add_argument("--apply", action="store_true", help="预览无错误时确认导入（冲突行不导入）")


def _actor(username: str | None) -> Actor:
    if not username:
        return Actor(user=None, office_admin=True)  # the operator at the server console acts for the office
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"找不到用户 {username}")
    return Actor.for_user(user)


def _unit(text: str | None) -> Unit | None:
    if not text:
        return None
    unit = Unit.objects.filter(Q(name=text) | Q(division_code=text) | Q(aliases__alias=text)).distinct().first()
    if unit is None:
        raise CommandError(f"找不到单位“{text}”")
    return unit


def handle(sub: str, options: dict, stdout) -> None:
    from .actions.ledger import do_apply_ledger_import, do_export_ledger, do_preview_ledger_import

    try:
        if sub == "ledger-export":
            export, data = do_export_ledger(_actor(options.get("as_user")), _unit(options.get("unit")))
            Path(options["out"]).write_bytes(data)
            stdout.write(f"已导出 {export.row_count} 行到 {options['out']}（导出编号 {export.token}）")
            return
        if sub == "ledger-import":
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"找不到文件 {path}")
            actor = _actor(options["as_user"])
            imp = do_preview_ledger_import(path.read_bytes(), path.name, actor)
            _print_preview(imp.preview, stdout)
            if options.get("apply"):
                if not imp.preview["changes"]:
                    stdout.write("没有需要导入的变更")
                    return
                imp = do_apply_ledger_import(imp, actor)
                s = imp.preview["summary"]
                stdout.write(f"已导入 {s['applied']} 项变更；{s['conflicts']} 行冲突未导入")
            else:
                stdout.write(f"仅预览（导入记录 {imp.pk}）；确认无误后加 --apply 导入")
            return
    except (ActionRefused, PermissionDenied) as exc:
        raise CommandError(getattr(exc, "message", None) or str(exc)) from exc
    raise CommandError(f"未知的子命令 {sub}")


def _print_preview(preview: dict, stdout) -> None:
    s = preview["summary"]
    stdout.write(f"共 {s['rows']} 行：变更 {s['changes']}，冲突 {s['conflicts']}，错误 {s['errors']}")
    for e in preview["errors"]:
        stdout.write(f"  错误 {e['sheet']} 第{e['row']}行 {e['column'] or ''}：{e['message']}")
    for c in preview["conflicts"]:
        stdout.write(f"  冲突 第{c['row']}行 {c['key']}：{'；'.join(c['reasons'])}")
    for c in preview["changes"]:
        stdout.write(f"  变更 第{c['row']}行 {c['key']}：{c['summary']}")
