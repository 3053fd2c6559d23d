"""Initial data of the unit registry (run by ``iccity bootstrap``)."""
from .actions import do_load_registry


def load(stdout) -> None:
    result = do_load_registry()
    stdout.write(f"单位名录：新增 {len(result.created)} 个单位")
