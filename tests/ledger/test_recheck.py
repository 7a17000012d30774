"""回头看: the draw is committed before the seed exists, the seed needs two people, anyone can
recompute the selection, and a failed re-check reopens the problem keeping its first close-out."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.core import draw
from tongban.core.errors import Conflict
from tongban.ledger import services
from tongban.ledger.models import Recheck, Status
from tongban.ledger.services.recheck import verify

from .factories import assigned, closed, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(city_a, pin_today):
    pin_today(dt.date(2026, 3, 2))
    w = world(city_a, recheck_ratio="0.4")
    for i in range(5):
        closed(w, assigned(w, f"第{i}号问题：材料重复提交{i}", co=False))
    assigned(w, "仍在整改的问题", co=False)
    return w


def _drawn(w, numbers="03,17,22,29"):
    row = services.recheck_commit(actor=w.office, campaign_id=w.campaign.pk)
    services.recheck_enter(actor=w.office, recheck_id=row.pk, numbers=numbers, source="福彩双色球第2026025期")
    return services.recheck_confirm(actor=w.office2, recheck_id=row.pk, numbers=numbers)


def test_the_draw_is_reproducible_from_what_is_published(w):
    row = _drawn(w)
    assert row.frozen_ids == [f"TST-00{i}" for i in range(1, 6)]  # closed problems only
    assert len(row.selected) == 2  # ceil(5 × 0.4)
    # anyone recomputes it with the standard library from the published document and numbers
    seed = draw.seed_from(draw.commitment(row.document), ["03", "17", "22", "29"])
    assert seed == row.seed
    assert draw.select(seed, "recheck:TST", row.frozen_ids, 2) == row.selected == verify(row)
    assert sorted(i.problem.number for i in row.items.all()) == sorted(row.selected)


def test_the_seed_needs_a_second_person_and_matching_numbers(w):
    row = services.recheck_commit(actor=w.office, campaign_id=w.campaign.pk)
    services.recheck_enter(actor=w.office, recheck_id=row.pk, numbers="1,2,3")
    with pytest.raises(ValidationError, match="另一名工作人员"):
        services.recheck_confirm(actor=w.office, recheck_id=row.pk, numbers="1,2,3")
    with pytest.raises(ValidationError, match="不一致"):
        services.recheck_confirm(actor=w.office2, recheck_id=row.pk, numbers="1,2,4")
    row.refresh_from_db()
    assert row.status == Recheck.Status.ENTERED and not row.seed and not row.items.exists()


def test_a_draw_cannot_be_silently_redone(w):
    services.recheck_commit(actor=w.office, campaign_id=w.campaign.pk)
    with pytest.raises(Conflict, match="尚未完成"):
        services.recheck_commit(actor=w.office, campaign_id=w.campaign.pk)


def test_a_failed_recheck_reopens_the_problem_and_keeps_the_first_closeout(w, pin_today):
    row = _drawn(w)
    item = row.items.first()
    pin_today(dt.date(2026, 3, 16))
    with pytest.raises(ValidationError, match="写明"):
        services.recheck_result(actor=w.office, item_id=item.pk, passed=False)
    services.recheck_result(actor=w.office, item_id=item.pk, passed=False, note="指南又与网上不一致")
    p = item.problem
    p.refresh_from_db()
    assert (p.status, p.round, p.first_closed_on, p.closed_on) == (Status.RECTIFYING, 2, dt.date(2026, 3, 2), None)
    assert p.due_on > dt.date(2026, 3, 16)
    actions = list(p.transitions.values_list("action", flat=True))
    assert actions.index("close") < actions.index("recheck_fail")
    assert p.closeouts.filter(status="approved", round=1).exists()
    other = row.items.exclude(pk=item.pk).get()
    services.recheck_result(actor=w.office, item_id=other.pk, passed=True)
    other.problem.refresh_from_db()
    assert other.problem.status == Status.CLOSED
    with pytest.raises(Conflict):
        services.recheck_result(actor=w.office, item_id=other.pk, passed=False, note="x")
