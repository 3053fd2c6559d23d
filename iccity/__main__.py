"""The ``iccity`` command: Django's management commands with iccity's settings.

``iccity plan parse FILE`` needs no database and no Django at all: it is answered here, before Django is set up,
so it starts in a fraction of a second (Django's system checks import the whole analytics stack, ~3 s).
"""
import os
import sys


def _plan_parse(argv: list[str]) -> int:
    """``iccity plan parse FILE [--format json|text]`` without Django; same output and exit codes as the command."""
    import argparse
    import json

    from iccity.plans.parsing import PlanParseError, parse_file

    parser = argparse.ArgumentParser(prog="iccity plan parse", description="解析方案文件（txt/docx/pdf），不写数据库")
    parser.add_argument("file")
    parser.add_argument("--format", choices=["json", "text"], default="json")
    args = parser.parse_args(argv)
    try:
        plan = parse_file(args.file)
    except PlanParseError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        from iccity.plans.parsing.render import render_text

        sys.stdout.write(render_text(plan) + "\n")
    return 0


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["plan", "parse"] and not any(a.startswith("--settings") or a.startswith("--pythonpath")
                                                  for a in args):
        sys.exit(_plan_parse(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccity.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["iccity", *args])


if __name__ == "__main__":
    main()
