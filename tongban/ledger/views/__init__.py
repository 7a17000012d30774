"""The ledger's pages: staff (campaigns, problems, re-checks), public and applicant pages
(published lists, surveys), and assessment."""

from . import assessment, public, staff

__all__ = ["assessment", "public", "staff"]
