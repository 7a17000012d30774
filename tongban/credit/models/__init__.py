from .evaluation import Evaluation, EvaluationLine, EvaluationRun, ScoringMethod, ScoringRule
from .lists import CreditList, EntryStatus, ListEntry
from .records import (
    LIVE_STATUSES,
    PUBLIC_STATUSES,
    Commitment,
    CreditRecord,
    Objection,
    ObjectionStatus,
    PlatformPush,
    RecordStatus,
    RecordStep,
    Repair,
    RepairStatus,
    Source,
    SubjectKind,
)
from .rules import PublicityRule, Severity

__all__ = [
    "LIVE_STATUSES",
    "PUBLIC_STATUSES",
    "Commitment",
    "CreditList",
    "CreditRecord",
    "EntryStatus",
    "Evaluation",
    "EvaluationLine",
    "EvaluationRun",
    "ListEntry",
    "Objection",
    "ObjectionStatus",
    "PlatformPush",
    "PublicityRule",
    "RecordStatus",
    "RecordStep",
    "Repair",
    "RepairStatus",
    "ScoringMethod",
    "ScoringRule",
    "Severity",
    "Source",
    "SubjectKind",
]
