"""Appeals (有诉即办) models: the appeals with their steps, transfers, replies and callbacks, and
the knowledge base."""

from .appeals import (
    CLOCKED_STATUSES,
    OPEN_STATUSES,
    Appeal,
    Callback,
    Category,
    Channel,
    HandlingLimit,
    Kind,
    Reply,
    RoutingRule,
    Satisfaction,
    Status,
    Step,
    SubjectKind,
    Throttle,
    Transfer,
    Warning,
)
from .kb import (
    Article,
)

__all__ = [
    "CLOCKED_STATUSES",
    "OPEN_STATUSES",
    "Appeal",
    "Article",
    "Callback",
    "Category",
    "Channel",
    "HandlingLimit",
    "Kind",
    "Reply",
    "RoutingRule",
    "Satisfaction",
    "Status",
    "Step",
    "SubjectKind",
    "Throttle",
    "Transfer",
    "Warning",
]
