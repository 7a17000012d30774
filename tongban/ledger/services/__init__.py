"""Every write of the ledger. Each state change is one function that scope-checks and locks the
row, checks the allowed-from table and the expected `row_version` (409 on a stale page), checks
the permission, validates, and writes the transition row and the audit event in one transaction;
notifications go out on commit."""

from .campaigns import (
    campaign_create,
    campaign_set_phase,
    campaign_set_publication,
    filing_create,
    rule_record,
)
from .listing import (
    problem_create,
    problem_from_answer,
    problem_from_appeal,
    problem_from_opinion,
    problem_from_rating,
    problem_from_result,
    similarity,
)
from .problems import (
    closeout_decide,
    closeout_submit,
    evidence_submit,
    milestone_add,
    milestone_done,
    milestones_of,
    missing_evidence,
    problem_press,
    rollup,
    satisfaction_answer,
    task_assign,
    task_progress,
)
from .recheck import recheck_commit, recheck_confirm, recheck_enter, recheck_result

__all__ = [
    "campaign_create",
    "campaign_set_phase",
    "campaign_set_publication",
    "closeout_decide",
    "closeout_submit",
    "evidence_submit",
    "filing_create",
    "milestone_add",
    "milestone_done",
    "milestones_of",
    "missing_evidence",
    "problem_create",
    "problem_from_answer",
    "problem_from_appeal",
    "problem_from_opinion",
    "problem_from_rating",
    "problem_from_result",
    "problem_press",
    "recheck_commit",
    "recheck_confirm",
    "recheck_enter",
    "recheck_result",
    "rollup",
    "rule_record",
    "satisfaction_answer",
    "similarity",
    "task_assign",
    "task_progress",
]
