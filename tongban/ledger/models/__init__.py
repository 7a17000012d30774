"""The ledger app's models: the ledger itself, consultation, and assessment."""

from .assessment import (
    AppraisalOpinion,
    DataPoint,
    Indicator,
    ManualValue,
    MonthlySummary,
    Objection,
    Run,
    Scheme,
    SchemeItem,
    Score,
)
from .consult import Answer, Consultation, Opinion, Question, Response, Survey
from .ledger import (
    CLOCKED_STATUSES,
    OPEN_STATUSES,
    PHASE_ORDER,
    Campaign,
    CloseOut,
    Evidence,
    Filing,
    ImportJob,
    Milestone,
    Phase,
    Problem,
    Recheck,
    RecheckItem,
    RuleRecord,
    Satisfaction,
    SourceKind,
    Status,
    Transition,
)

__all__ = [
    "CLOCKED_STATUSES", "OPEN_STATUSES", "PHASE_ORDER", "Answer", "AppraisalOpinion", "Campaign", "CloseOut",
    "Consultation", "DataPoint", "Evidence", "Filing", "ImportJob", "Indicator", "ManualValue", "Milestone", "MonthlySummary",
    "Objection", "Opinion", "Phase", "Problem", "Question", "Recheck", "RecheckItem", "Response", "RuleRecord",
    "Run", "Satisfaction", "Scheme", "SchemeItem", "Score", "SourceKind", "Status", "Survey", "Transition",
]
