"""督办 (delivery): task forces' task coverage, work items, acknowledgement, reporting cycles and reports,
evidence files, notices (reminders and escalation) and leaders' comments."""
from .notices import (  # noqa: F401
    ESCALATION_ORDER, Channel, Notice, NoticeChannel, NoticeDelivery, NoticeDigest, NoticeKind, NoticeMode,
    NotificationPreference,
)
from .reports import (  # noqa: F401
    Evidence, EvidenceFile, Report, ReportEvent, ReportRevision, ReportState, ReportingCycle,
)
from .work import (  # noqa: F401
    Acknowledgement, AckState, Comment, DrivenTask, ExtensionRequest, ExtensionState, WorkItem, WorkItemKind, WorkItemState,
)
