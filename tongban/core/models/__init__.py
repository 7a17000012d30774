from .attachments import Attachment
from .audit import AuditChainHead, AuditEvent
from .calendar import CalendarChange, CalendarDay, CalendarYear
from .notifications import Notification
from .worker import SweepSchedule, WorkerHeartbeat

__all__ = [
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "CalendarChange",
    "CalendarDay",
    "CalendarYear",
    "Notification",
    "SweepSchedule",
    "WorkerHeartbeat",
]
