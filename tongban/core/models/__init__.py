from .attachments import Attachment
from .audit import AuditChainHead, AuditEvent
from .calendar import CalendarChange, CalendarDay, CalendarYear
from .events import EventDelivery
from .notifications import Notification
from .sequences import Sequence
from .supervision import Press
from .worker import SweepSchedule, WorkerHeartbeat

__all__ = [
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "CalendarChange",
    "CalendarDay",
    "CalendarYear",
    "EventDelivery",
    "Notification",
    "Press",
    "Sequence",
    "SweepSchedule",
    "WorkerHeartbeat",
]
