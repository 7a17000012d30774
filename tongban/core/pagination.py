"""Pagination that never counts a million rows: the count stops at a cap, and beyond it the
page shows "10000+" and next/previous links only.

For the API: page numbers are checked before any query uses them. A page past the last one, zero,
a negative page or one too large for the database (a row offset beyond a signed 64-bit integer,
which SQLite raises OverflowError for and PostgreSQL DataError) answers 422 "页码超出范围".
Page 1 of an empty list is an empty page."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

COUNT_CAP = 10_000

PAGE_OUT_OF_RANGE = "页码超出范围"
PAGE_HELP = "页码，从 1 起。超出末页、为 0 或负数时答 422（页码超出范围）。"
# Row offsets are signed 64-bit integers in SQLite and PostgreSQL alike.
MAX_OFFSET = 2**63 - 1


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


def check_page(page: int, *, size: int, count: int | None = None) -> None:
    """Refuse a page outside 1..last page (or, without a count, one whose rows no database can
    address)."""
    last = max(1, -(-count // size)) if count is not None else MAX_OFFSET // size
    if not 1 <= page <= last:
        raise ValidationError({"page": [PAGE_OUT_OF_RANGE]})


def page_slice(rows, page: int, size: int) -> list:
    """The rows of one page of a list answered as a bare array, without a count: page 1 may be
    empty; a later page that is empty lies past the last one."""
    check_page(page, size=size)
    items = list(rows[(page - 1) * size : page * size])
    if not items and page > 1:
        raise ValidationError({"page": [PAGE_OUT_OF_RANGE]})
    return items


class PageNumberPagination(NinjaPageNumberPagination):
    """ninja's page-number pagination ({"items": [...], "count": n}) with the page checked against
    the count: past the last page is 422 rather than an empty page, and a page too large for the
    database never reaches it."""

    class Input(Schema):
        page: int = Field(1, description=PAGE_HELP)
        page_size: int | None = Field(None, ge=1, description="每页条数（有上限）")

    def _page(self, pagination, count: int) -> tuple[int, int]:
        size = self._get_page_size(pagination.page_size)
        check_page(pagination.page, size=size, count=count)
        offset = (pagination.page - 1) * size
        return offset, offset + size

    def paginate_queryset(self, queryset, pagination, request, **params):
        count = self._items_count(queryset)
        start, end = self._page(pagination, count)
        return {self.items_attribute: queryset[start:end], "count": count}

    async def apaginate_queryset(self, queryset, pagination, request, **params):
        count = await self._aitems_count(queryset)
        start, end = self._page(pagination, count)
        if hasattr(queryset, "aiterator"):
            items = [row async for row in queryset[start:end]]
        else:
            items = queryset[start:end]
        return {self.items_attribute: items, "count": count}
