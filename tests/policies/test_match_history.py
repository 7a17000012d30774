"""Every status change of a match record leaves a history row, whether one record changed
(push, claim, grant) or a batch run changed thousands (expiry, reopening)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import EnterpriseUserFactory
from tongban.core.errors import Conflict
from tongban.policies import matching, profiles, services
from tongban.policies.models import MatchStatus, MatchTransition, Policy, PolicyMatch

from .factories import WAREHOUSE_UNDER_2000, make_policy, make_profile

pytestmark = pytest.mark.django_db

EMPLOYEES_50 = {"field": "employees", "op": "gte", "value": 50}


def history(match) -> list[tuple[str, str]]:
    return [(t.from_status, t.to_status) for t in MatchTransition.objects.filter(match=match).order_by("id")]


def assert_history_complete():
    """Each record's history starts at new, chains without gaps and ends at its status."""
    for match in PolicyMatch.objects.all():
        chain = history(match)
        status = MatchStatus.NEW
        for before, after in chain:
            assert before == status, (match, chain)
            status = after
        assert status == match.status, (match, chain)


def test_push_claim_and_grant_each_leave_a_row_with_who(province, admin_p):
    profile = make_profile(employees=60)
    user = EnterpriseUserFactory(enterprise=profile.enterprise)
    policy = make_policy(province, EMPLOYEES_50, amount_fen=100_00)
    matching.run_full()
    match = PolicyMatch.objects.get(policy=policy)
    assert history(match) == []  # found: its first status is its matched_at
    services.push_new()
    services.match_claim(actor=user, match=match)
    with pytest.raises(Conflict):
        services.match_claim(actor=user, match=match)  # a refusal writes nothing
    services.match_grant(actor=admin_p, match=match)
    rows = list(MatchTransition.objects.filter(match=match).order_by("id"))
    assert [(r.from_status, r.to_status, r.actor) for r in rows] == [
        ("new", "notified", None), ("notified", "claimed", user), ("claimed", "granted", admin_p),
    ]
    assert "审核兑现" in rows[-1].note
    assert_history_complete()


def test_an_automatic_grant_leaves_a_row(province):
    make_profile(project_use="warehouse", project_floor_area_cm2=150_000)
    policy = make_policy(province, WAREHOUSE_UNDER_2000, auto_grant=True)
    matching.run_full()
    services.push_new()
    match = PolicyMatch.objects.get(policy=policy)
    assert history(match) == [("new", "granted")]
    assert MatchTransition.objects.get(match=match).note == "免申即享，系统自动兑现"


def test_batch_expiry_and_reopening_leave_a_row_per_record(province, admin_p):
    grows = make_profile(project_use="warehouse", project_floor_area_cm2=150_000)
    make_profile(project_use="warehouse", project_floor_area_cm2=160_000)
    policy = make_policy(province, WAREHOUSE_UNDER_2000)
    matching.run_full()
    services.push_new()
    for area in (235_000, 180_000):  # too large, then below 2,000 m² again
        profiles.project_add(actor=None, profile=grows, name="改扩建", use="warehouse", total_floor_area_cm2=area,
                             region_code="410102", started_on=dt.date(2026, 5, 1))
        matching.run_profiles(actor=admin_p)
    match = PolicyMatch.objects.get(policy=policy, enterprise=grows.enterprise)
    assert history(match) == [("new", "notified"), ("notified", "expired"), ("expired", "new")]
    expired, reopened = MatchTransition.objects.filter(match=match).order_by("id")[1:]
    assert expired.actor == admin_p and expired.note == "不再符合适用条件"
    assert "第 1 版" in reopened.note
    assert_history_complete()


def test_a_withdrawn_policy_s_open_matches_expire_with_a_row_each(province, admin_p):
    for _ in range(3):
        make_profile(employees=60)
    kept = make_policy(province, EMPLOYEES_50)
    withdrawn = make_policy(province, EMPLOYEES_50)
    matching.run_full()
    services.policy_withdraw(actor=admin_p, policy=withdrawn, reason="政策到期")
    matching.run_policy(withdrawn, actor=admin_p)
    rows = MatchTransition.objects.filter(match__policy=withdrawn)
    assert rows.count() == 3 and set(rows.values_list("to_status", flat=True)) == {"expired"}
    assert not MatchTransition.objects.filter(match__policy=kept).exists()
    # A full run expires what a policy no longer in force still has open, with rows as well.
    Policy.objects.filter(pk=kept.pk).update(status=Policy.Status.WITHDRAWN)
    assert matching.run_full().expired == 3
    assert MatchTransition.objects.filter(match__policy=kept, to_status="expired").count() == 3
    assert_history_complete()
