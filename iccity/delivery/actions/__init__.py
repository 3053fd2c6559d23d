"""Every state change of the delivery loop. Each function is one transaction with an audit record and, where
someone must act, a notice. Views, API, admin and commands call these and nothing else."""
from iccity.core.actions import ActionRefused, ConflictError  # noqa: F401

from .dispatch import do_acknowledge, do_dispatch_plan, do_reroute, do_return_assignment  # noqa: F401
from .reports import (  # noqa: F401
    do_add_comment, do_open_cycle, do_review, do_save_draft, do_submit_report, do_unit_approve, do_unit_return,
)
from .batch import do_accept_reports  # noqa: F401
from .evidence import do_attach_evidence, do_remove_evidence  # noqa: F401
from .notices import do_mark_notice_read, do_mark_notices_read, do_set_notice_preferences  # noqa: F401
from .work import (  # noqa: F401
    do_accept_work_item, do_complete_work_item, do_create_work_item, do_decide_extension, do_propose_work_items,
    do_request_extension, do_set_driven_tasks, do_update_work_item,
)
