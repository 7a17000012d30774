"""Every write to a works project, one function per state change (see the modules below)."""

from ._common import RECTIFICATION_DAYS_DEFAULT, REGISTRATION_DAYS_DEFAULT, SINGLE_BUILDING_BASIS
from .completion import building_accept, building_request, missing_for_verification, project_verify
from .fees import fee_assess, fee_settle
from .presses import rectification_press, registration_press
from .projects import (
    REGISTRATION_DOCUMENTS,
    project_create,
    registration_accept,
    registration_return,
    registration_submit,
    supervisor_choices,
)
from .visits import HANDED_OVER, PARTY_CONDUCT, rectification_close, visit_record

__all__ = [
    "HANDED_OVER",
    "PARTY_CONDUCT",
    "RECTIFICATION_DAYS_DEFAULT",
    "REGISTRATION_DAYS_DEFAULT",
    "REGISTRATION_DOCUMENTS",
    "SINGLE_BUILDING_BASIS",
    "building_accept",
    "building_request",
    "fee_assess",
    "fee_settle",
    "missing_for_verification",
    "project_create",
    "project_verify",
    "rectification_close",
    "rectification_press",
    "registration_accept",
    "registration_press",
    "registration_return",
    "registration_submit",
    "supervisor_choices",
    "visit_record",
]
