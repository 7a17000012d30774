"""Pagination that never counts a million rows: the count stops at a cap, and beyond it the
page shows "10000+" and next/previous links only."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        # Counting a sliced queryset wraps it in a subquery with LIMIT: cheap however big the table.
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()  # ordering is useless for a count and costs a sort
        return rows[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP
