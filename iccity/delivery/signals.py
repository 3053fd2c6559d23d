"""Signals and slots other apps fill without the delivery loop knowing them (e.g. evaluation's report-quality check
and its task lights).

``report_submitted`` is sent after the submitting transaction commits, with ``report`` and ``revision`` (instances
as they were before the transition: re-read them for the stored state)."""
from django.dispatch import Signal

report_submitted = Signal()

# Steps ``iccity delivery tick`` runs after the reminders and before notices go out: ``step(day) -> line`` (a line for
# the job's output). Evaluation adds the task lights in its AppConfig.ready(), so a task turning red is announced in
# the same run.
tick_steps: list = []


def add_tick_step(step) -> None:
    if step not in tick_steps:
        tick_steps.append(step)
