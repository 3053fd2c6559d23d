"""Benchmark: process memory while hostile uploads are refused (issue 12 items 2 and 3).

    .venv/bin/python bench/uploads.py [--sizes 100,1000]

Each case runs in a fresh process and reports the growth of its peak resident set (VmHWM, reset through
/proc/self/clear_refs after a warm-up) — the figure the outside review measured (+92 MB for a 100 MB evidence file,
1.6 GB for a 4 M-cell .xlsx, 3.3 GB for a template expanding to 1 GiB):

* stream-<N>MB: a multipart body of N MB streamed (never held whole) to /plans/import/ (limit 20 MB) through the
  whole Django stack: upload handler, middleware, audit record; SQLite database in a temporary directory; the body
  is read to its end (the refused file stopped at 20 MB, the rest drained in 64 KB chunks);
* declared-<N>MB: the same, with the normal request cap: refused on the declared length, the body is not read;
* ledger-4M-cells: the 台账 reader given a ~300 KB .xlsx whose sheet holds 4 M cells;
* template-1GiB: the template upload check given a ~9 MB .docx whose document.xml expands to 1 GiB.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def _setup(tmp: Path, migrate: bool) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccity.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = tmp / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp / "uploads-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir(exist_ok=True)
    settings.ALLOWED_HOSTS = ["*"]
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def _case(name: str, tmp: Path) -> dict:
    from iccity.core.tests.bombs import MultipartStream, peak_growth

    if name.startswith(("stream-", "declared-")):
        _setup(tmp, migrate=True)
        from django.test import Client

        from iccity.core import upload_handlers

        if name.startswith("stream-"):
            # raise the whole-request cap so the body is really streamed and stopped at the 20 MB per-file limit
            # (with the normal cap a body this large is refused on its declared length without being read)
            upload_handlers.FILES_PER_REQUEST["plans:import_new"] = 100
        client = Client()
        size = int(name.split("-")[1].removesuffix("MB")) * MB
        client.request(**MultipartStream(21 * MB).environ("/plans/import/"))  # warm-up: imports, first queries
        body = MultipartStream(size)
        started = time.perf_counter()
        measured = peak_growth(client.request, **body.environ("/plans/import/"))
        outcome = str(measured.outcome.status_code)
        refused = "上限为 20 MB" in measured.outcome.content.decode()
        leftovers = [p.name for p in (tmp / "uploads-tmp").iterdir()]
        return {"case": name, "input_mb": round(body.length / MB, 1), "rss_growth_mb": round(measured.rss_growth / MB, 1),
                "seconds": round(time.perf_counter() - started, 2), "refused": refused, "status": outcome.strip(),
                "body_read_mb": round(body.read_total / MB, 1), "leftover_files": len(leftovers)}
    _setup(tmp, migrate=False)
    if name == "ledger-4M-cells":
        from iccity.core.tests.bombs import xlsx_cells_bomb
        from iccity.reports.ledger import read_workbook

        data = xlsx_cells_bomb(4_000_000)
        fn, args = read_workbook, (data,)
    else:
        from iccity.core.tests.bombs import docx_bomb
        from iccity.reports.actions.documents import validate_template

        data = docx_bomb(1024 * MB)
        fn, args = validate_template, ("urge", data)
    peak_growth(lambda: None)  # warm-up of the probe itself
    started = time.perf_counter()
    measured = peak_growth(fn, *args)
    return {"case": name, "input_mb": round(len(data) / MB, 2), "rss_growth_mb": round(measured.rss_growth / MB, 1),
            "seconds": round(time.perf_counter() - started, 2), "refused": isinstance(measured.outcome, Exception),
            "message": str(measured.outcome)[:80]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000", help="streamed body sizes in MB")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # internal: run one case in this process
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.case:
        print(json.dumps(_case(opts.case, Path(opts.tmp)), ensure_ascii=False))
        return
    cases = ([f"stream-{s}MB" for s in opts.sizes.split(",")] + [f"declared-{opts.sizes.split(',')[-1]}MB"]
             + ["ledger-4M-cells", "template-1GiB"])
    rows = []
    for case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, __file__, "--case", case, "--tmp", tmp], capture_output=True,
                                 text=True, check=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    worst = max(r["rss_growth_mb"] for r in rows)
    print(f"最大内存增长 {worst} MB（所有情形均被拒绝：{all(r['refused'] for r in rows)}）")


if __name__ == "__main__":
    main()
