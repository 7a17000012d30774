"""Accounts test data. The personas and organisations live in tests/factories.py, the shared
layer every app's tests stand on; this module is the accounts app's name for them."""

from tests.factories import (  # noqa: F401
    ApplicantFactory,
    EnterpriseFactory,
    EnterpriseUserFactory,
    OrganisationFactory,
    StaffFactory,
)
