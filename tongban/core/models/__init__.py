from .audit import AuditChainHead, AuditEvent
from .notifications import Notification
from .worker import SweepSchedule, WorkerHeartbeat

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Notification",
    "SweepSchedule",
    "WorkerHeartbeat",
]
