"""The module's list pages cost the same number of queries with one row as with many: tasks and
plans, the directory (items, objects, inspectors) and the public results."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.inspections import services
from tongban.inspections.models import Inspection

from .factories import DAY, enterprise_objects, inspector, make_item, make_task, run_draw

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    client.get(url)  # warm caches (menus, calendar) so only the page's own queries are counted
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx)


def _publish(insp, head):
    member = insp.members.filter(active=True).first().user
    services.inspection_approve(actor=head, inspection_id=insp.pk)
    services.inspection_notice_issue(actor=member, inspection_id=insp.pk)
    services.inspection_record_submit(actor=member, inspection_id=insp.pk, data={
        "items_checked": "x", "result_class": "no_issue", "signed_name": "某", "signature_confirmed": True})
    services.inspection_result_publish(actor=member, result_id=Inspection.objects.get(pk=insp.pk).result.pk)


def test_staff_list_pages_do_not_grow_with_rows(client, task, admin, office, pin_today):
    pin_today(DAY)
    client.force_login(admin)
    urls = ["/inspections/", "/inspections/directory/", f"/inspections/plans/{task.plan_id}/"]
    before = {url: _queries(client, url) for url in urls}
    for n in range(3):  # more plans and tasks, items, objects and inspectors
        make_task(admin, office, make_item(admin, office, code=f"RF-1{n}"), year=2027 + n,
                  start=dt.date(2027 + n, 3, 2))
    enterprise_objects(admin, office, 5)
    for name in ("甲", "乙", "丙", "丁", "戊"):
        inspector(office, f"新{name}")
    for url in urls:
        assert _queries(client, url) <= before[url], url


def test_the_public_results_do_not_grow_with_rows(client, task, admin, head, witness, pin_today):
    pin_today(DAY)
    draw = run_draw(admin, witness, task)
    drawn = list(draw.inspections.order_by("position"))
    assert len(drawn) >= 3
    _publish(drawn[0], head)
    urls = ["/inspections/public/", f"/inspections/public/tasks/{task.pk}/", "/inspections/public/results.json"]
    before = {url: _queries(client, url) for url in urls}
    for insp in drawn[1:]:
        _publish(insp, head)
    for url in urls:
        assert _queries(client, url) <= before[url], url
