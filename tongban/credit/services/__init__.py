"""Every write of the credit module; views, the API, handlers and sweeps all come through here."""

from .commitments import commitment_close, commitment_create
from .evaluation import breakdown, evaluation_publish, evaluation_run
from .imports import ImportRefused, record_import
from .lists import list_propose, list_scan, list_sweep
from .objections import objection_decide, objection_submit
from .records import (
    publicity_window,
    record_create,
    record_from_inspection,
    record_from_licence,
    record_from_penalty,
    record_from_review,
    record_withdraw,
    retry_pushes,
    rule_for,
    send_pushes,
    takedown_due,
)
from .repair import repair_apply, repair_decide, repair_refusal_before

__all__ = [
    "ImportRefused",
    "breakdown",
    "commitment_close",
    "commitment_create",
    "evaluation_publish",
    "evaluation_run",
    "list_propose",
    "list_scan",
    "list_sweep",
    "objection_decide",
    "objection_submit",
    "publicity_window",
    "record_create",
    "record_from_inspection",
    "record_from_licence",
    "record_from_penalty",
    "record_from_review",
    "record_import",
    "record_withdraw",
    "repair_apply",
    "repair_decide",
    "repair_refusal_before",
    "retry_pushes",
    "rule_for",
    "send_pushes",
    "takedown_due",
]
