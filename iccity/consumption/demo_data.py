"""``iccity demo`` hook: a synthetic (示例) consumption feed generated and ingested through the real actions."""
import datetime as dt
import tempfile
from pathlib import Path

from iccity.core import clock

DEMO_ROWS_PER_MONTH = 50_000


def generate(stdout, months: int, seed: int) -> None:
    from .actions.ingest import do_ingest
    from .generate import generate as make
    from .models import IngestionRun

    if IngestionRun.objects.filter(is_demo=True).exists():
        stdout.write("消费监测示例：已有示例数据（如需重新生成，请加 --reset）\n")
        return
    end = clock.today()
    start = (end.replace(day=1) - dt.timedelta(days=31 * max(months - 1, 0))).replace(day=1)
    with tempfile.TemporaryDirectory() as tmp:
        files = make(Path(tmp), DEMO_ROWS_PER_MONTH * months, seed, start, end)
        for kind in ("merchants", "footfall", "transactions"):
            run = do_ingest(files[kind], kind)
            stdout.write(f"消费监测示例数据：{kind} 入库 {run.rows_accepted} 行\n")


def reset(stdout) -> None:
    from .actions.ingest import do_remove_demo_data

    count = do_remove_demo_data()
    stdout.write(f"消费监测：已移除 {count} 个示例入库批次\n")
