"""The indicator catalogue, the real figures with their sources, and targets proposed from the plan
(run by ``iccity bootstrap``; safe to run again)."""
from .actions.catalogue import (
    do_load_catalogue, do_load_observations, do_propose_targets_from_plan, xiqing_plan_version,
)


def load(stdout) -> None:
    catalogue = do_load_catalogue()
    observations = do_load_observations()
    version = xiqing_plan_version()
    proposed = do_propose_targets_from_plan(version) if version else None
    stdout.write(f"指标目录：新增 {len(catalogue.created)} 个指标；真实数据：新增 {observations.observations_created} 条观测值"
                 + (f"，公开 {len(observations.published)} 个有来源数据的指标" if observations.published else "")
                 + (f"；方案目标待确认 {len(proposed.created)} 个" if proposed else ""))
