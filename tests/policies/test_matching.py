"""Batch matching persisted as match records; incremental re-matching; versions by date; push,
automatic grants, claims and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import EnterpriseUserFactory
from tongban.core.errors import Conflict
from tongban.core.models import AuditEvent, Notification
from tongban.policies import matching, profiles, services
from tongban.policies.models import MatchRun, MatchStatus, Policy, PolicyMatch, PolicyVersion

from .factories import WAREHOUSE_UNDER_2000, make_policy, make_profile

pytestmark = pytest.mark.django_db


def statuses(policy):
    return {m.enterprise_id: m.status for m in PolicyMatch.objects.filter(policy=policy)}


def test_a_full_run_records_every_eligible_enterprise_and_nobody_else(province):
    inside = make_profile(project_use="warehouse", project_floor_area_cm2=199_999)
    boundary = make_profile(project_use="warehouse", project_floor_area_cm2=200_000)
    other_use = make_profile(project_use="residential", project_floor_area_cm2=100_000)
    policy = make_policy(province, WAREHOUSE_UNDER_2000)
    run = matching.run_full()
    assert statuses(policy) == {inside.enterprise_id: MatchStatus.NEW}
    assert run.created == 1 and run.profiles == 3 and run.policies == 1
    assert boundary.enterprise_id not in statuses(
        policy
    ) and other_use.enterprise_id not in statuses(policy)
    assert AuditEvent.objects.filter(action="policy.match_run").count() == 1


def test_a_second_full_run_writes_nothing_when_nothing_changed(province):
    make_profile(project_use="warehouse", project_floor_area_cm2=150_000)
    make_policy(province, WAREHOUSE_UNDER_2000)
    matching.run_full()
    again = matching.run_full()
    assert (again.created, again.reopened, again.expired) == (0, 0, 0)


def test_incremental_rematch_judges_only_changed_profiles_and_writes_only_changes(
    province, clerk_a
):
    grows = make_profile(project_use="warehouse", project_floor_area_cm2=150_000)
    claimed = make_profile(project_use="warehouse", project_floor_area_cm2=150_000)
    steady = make_profile(project_use="warehouse", project_floor_area_cm2=150_000)
    newcomer = make_profile(project_use="residential", project_floor_area_cm2=150_000)
    policy = make_policy(province, WAREHOUSE_UNDER_2000)
    matching.run_full()
    PolicyMatch.objects.filter(policy=policy, enterprise=claimed.enterprise).update(
        status=MatchStatus.CLAIMED
    )
    for profile, use, area in [
        (grows, "warehouse", 235_000),
        (claimed, "warehouse", 300_000),
        (newcomer, "logistics", 100_000),
    ]:
        profiles.project_add(
            actor=None,
            profile=profile,
            name="扩建",
            use=use,
            total_floor_area_cm2=area,
            region_code="410102",
            started_on=dt.date(2026, 5, 1),
        )
    run = matching.run_profiles()
    assert run.profiles == 3  # the steady profile was not re-read
    assert (run.created, run.expired, run.reopened) == (1, 1, 0)
    after = statuses(policy)
    assert after[grows.enterprise_id] == MatchStatus.EXPIRED
    assert after[claimed.enterprise_id] == MatchStatus.CLAIMED  # a claim is history, never expired
    assert after[steady.enterprise_id] == MatchStatus.NEW
    assert after[newcomer.enterprise_id] == MatchStatus.NEW
    # Shrinking back below 2,000 m² brings the expired record back to "new".
    profiles.project_add(
        actor=None,
        profile=grows,
        name="拆分",
        use="warehouse",
        total_floor_area_cm2=180_000,
        region_code="410102",
        started_on=dt.date(2026, 6, 1),
    )
    run = matching.run_profiles()
    assert (run.profiles, run.reopened) == (1, 1)
    assert statuses(policy)[grows.enterprise_id] == MatchStatus.NEW
    assert matching.run_profiles().profiles == 0


def test_the_version_in_force_on_the_day_decides(province, admin_p):
    small = make_profile(employees=7)
    policy = make_policy(
        province, {"field": "employees", "op": "gte", "value": 10}, valid_from=dt.date(2025, 1, 1)
    )
    services.version_create(
        actor=admin_p,
        policy=policy,
        condition={"field": "employees", "op": "gte", "value": 5},
        valid_from=dt.date(2026, 7, 1),
        note="放宽",
    )
    first = PolicyVersion.objects.get(policy=policy, number=1)
    assert first.valid_to == dt.date(2026, 6, 30)
    matching.run_full(on=dt.date(2026, 6, 30))
    assert statuses(policy) == {}
    matching.run_full(on=dt.date(2026, 7, 1))
    match = PolicyMatch.objects.get(policy=policy)
    assert match.enterprise_id == small.enterprise_id and match.version_number == 2


def test_a_new_version_must_start_after_the_previous_one(province, admin_p):
    policy = make_policy(
        province, {"field": "employees", "op": "gte", "value": 10}, valid_from=dt.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.version_create(
            actor=admin_p, policy=policy, condition={"all": []}, valid_from=dt.date(2026, 1, 1)
        )
    assert "应晚于第 1 版的生效日期" in exc.value.messages[0]


def test_publishing_and_editing_a_rule_rematches_that_policy(
    province, admin_p, django_capture_on_commit_callbacks
):
    eligible = make_profile(employees=60)
    user = EnterpriseUserFactory(enterprise=eligible.enterprise)
    policy = make_policy(
        province, {"field": "employees", "op": "gte", "value": 50}, status=Policy.Status.DRAFT
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.policy_publish(actor=admin_p, policy=policy)
    assert statuses(policy) == {eligible.enterprise_id: MatchStatus.NOTIFIED}
    assert Notification.objects.filter(recipient=user, title__contains=policy.title).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.version_create(
            actor=admin_p,
            policy=policy,
            condition={"field": "employees", "op": "gte", "value": 100},
            valid_from=dt.date(2026, 6, 15),
        )
    assert statuses(policy) == {eligible.enterprise_id: MatchStatus.EXPIRED}
    assert MatchRun.objects.filter(kind=MatchRun.Kind.POLICY).count() == 2


def test_withdrawing_a_policy_expires_open_matches(
    province, admin_p, django_capture_on_commit_callbacks
):
    make_profile(employees=60)
    policy = make_policy(province, {"field": "employees", "op": "gte", "value": 50})
    matching.run_full()
    with pytest.raises(ValidationError):
        services.policy_withdraw(actor=admin_p, policy=policy, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.policy_withdraw(actor=admin_p, policy=policy, reason="政策到期")
    assert set(statuses(policy).values()) == {MatchStatus.EXPIRED}
    with pytest.raises(Conflict):
        services.policy_withdraw(actor=admin_p, policy=policy, reason="再次停止")


def test_auto_grant_policies_are_granted_without_application_with_an_audit_trail(province):
    profile = make_profile(project_use="warehouse", project_floor_area_cm2=199_999)
    user = EnterpriseUserFactory(enterprise=profile.enterprise)
    policy = make_policy(province, WAREHOUSE_UNDER_2000, auto_grant=True, amount_fen=None)
    matching.run_full()
    counts = services.push_new()
    assert counts == {"notified": 0, "granted": 1}
    match = PolicyMatch.objects.get(policy=policy)
    assert match.status == MatchStatus.GRANTED and match.granted_by is None
    event = AuditEvent.objects.get(action="policy.grant")
    assert event.changes["how"] == "免申即享，系统自动兑现"
    assert Notification.objects.filter(recipient=user, title=f"政策已兑现：{policy.title}").exists()
    assert services.push_new() == {"notified": 0, "granted": 0}  # nothing pushed twice


def test_claim_then_grant_and_illegal_transitions(province, admin_p, clerk_a):
    profile = make_profile(employees=60)
    user = EnterpriseUserFactory(enterprise=profile.enterprise)
    stranger = EnterpriseUserFactory()
    policy = make_policy(
        province, {"field": "employees", "op": "gte", "value": 50}, amount_fen=2_000_000
    )
    matching.run_full()
    services.push_new()
    match = PolicyMatch.objects.get(policy=policy)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="只能申领本企业"):
        services.match_claim(actor=stranger, match=match)
    services.match_claim(actor=user, match=match)
    with pytest.raises(Conflict):
        services.match_claim(actor=user, match=match)
    with pytest.raises(PermissionDenied):
        services.match_grant(actor=clerk_a, match=match)
    services.match_grant(actor=admin_p, match=match)
    match.refresh_from_db()
    assert match.status == MatchStatus.GRANTED and match.granted_amount_fen == 2_000_000
    with pytest.raises(Conflict):
        services.match_grant(actor=admin_p, match=match)


def test_eligible_but_unclaimed_enterprises_are_reminded_after_the_configured_days(
    province, settings
):
    settings.TONGBAN_POLICY_REMIND_DAYS = 10
    profile = make_profile(employees=60)
    user = EnterpriseUserFactory(enterprise=profile.enterprise)
    policy = make_policy(province, {"field": "employees", "op": "gte", "value": 50})
    matching.run_full()
    services.push_new()
    told = timezone.make_aware(dt.datetime(2026, 6, 5, 10, 0))
    PolicyMatch.objects.filter(policy=policy).update(notified_at=told)
    assert services.remind_unclaimed(today=dt.date(2026, 6, 14)) == 0  # 9 days: not yet
    assert services.remind_unclaimed(today=dt.date(2026, 6, 15)) == 1
    assert (
        services.remind_unclaimed(today=dt.date(2026, 6, 15)) == 0
    )  # not twice in the same period
    assert (
        Notification.objects.filter(recipient=user, title__startswith="应享未享提醒").count() == 1
    )


def test_a_bulk_first_run_keeps_every_constraint_and_index(province, settings):
    """Large first runs rebuild the record table's indexes and keys after writing (PostgreSQL);
    afterwards the table must have exactly the same constraints and indexes as before."""
    from django.db import connection

    def shape():
        with connection.cursor() as cursor:
            return sorted(
                str(c)
                for c in connection.introspection.get_constraints(
                    cursor, PolicyMatch._meta.db_table
                ).values()
            )

    settings.TONGBAN_POLICY_BULK_ROWS = 1
    before = shape()
    for _ in range(3):
        make_profile(employees=60)
    policy = make_policy(province, {"field": "employees", "op": "gte", "value": 50})
    run = matching.run_full()
    assert run.created == 3 and PolicyMatch.objects.filter(policy=policy).count() == 3
    assert shape() == before
    assert matching.run_full().created == 0
