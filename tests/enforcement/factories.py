"""Enforcement test data: a baseline on both band schemes, certified officers, and helpers that
take a case through the real services to the stage a test needs."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from tongban.accounts.models import EnforcementCertificate, Role
from tongban.enforcement import services
from tongban.enforcement.models import Baseline, BaselineClause, BaselineItem

from ..factories import StaffFactory

_n = itertools.count(1)


def certify(user, *, valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2035, 12, 31)):
    EnforcementCertificate.objects.create(user=user, number=f"豫41{next(_n):08d}", issuing_authority="河南省人民政府",
                                          valid_from=valid_from, valid_until=valid_until)
    return user


def officer(org, username=None, *, certified=True):
    user = StaffFactory(username=username or f"e_officer{next(_n)}", organisation=org, roles=[Role.INSPECTOR])
    return certify(user) if certified else user


def make_baseline(org, *, status=Baseline.Status.PUBLISHED) -> Baseline:
    """Two violations: one on a min–max scale (¥10,000–¥50,000; lighter below the mid-point,
    heavier above), one with a maximum only (¥100,000; ≤30% / 30–60% / >60%)."""
    baseline = Baseline.objects.create(organisation=org, code="T-RF", version=1, title="人防行政处罚裁量基准",
                                       status=status, effective_from=dt.date(2026, 1, 1),
                                       published_at=timezone.now() if status == Baseline.Status.PUBLISHED else None)
    ranged = BaselineItem.objects.create(
        baseline=baseline, code="RF-01", violation="未按规定修建防空地下室",
        violated_provision="《中华人民共和国人民防空法》第二十二条", penalty_provision="《中华人民共和国人民防空法》第四十八条",
        scheme=BaselineItem.Scheme.RANGE, min_fen=10_000_00, max_fen=50_000_00, order=1)
    for i, (code, circ, cond, low, high, kind) in enumerate([
        ("R-NP", "not_punished", "首次违法、及时改正、未造成危害后果", 0, 0, "not_punished"),
        ("R-MI", "mitigated", "主动消除或者减轻违法行为危害后果", -50, 0, "fine"),
        ("R-LI", "lighter", "配合调查、主动提供证据", 0, 50, "fine"),
        ("R-GE", "general", "无从轻、从重情节", 40, 60, "fine"),
        ("R-HE", "heavier", "拒不改正或者造成严重后果", 50, 100, "fine"),
    ]):
        BaselineClause.objects.create(item=ranged, code=code, circumstance=circ, condition=cond, low_pct=Decimal(low),
                                      high_pct=Decimal(high), penalty_kind=kind, order=i)
    maxonly = BaselineItem.objects.create(
        baseline=baseline, code="RF-02", violation="擅自拆除人民防空工程",
        violated_provision="《中华人民共和国人民防空法》第二十八条", penalty_provision="《中华人民共和国人民防空法》第四十九条",
        scheme=BaselineItem.Scheme.MAX_ONLY, min_fen=0, max_fen=100_000_00, order=2)
    for i, (code, circ, low, high) in enumerate([
        ("M-LI", "lighter", 0, 30), ("M-GE", "general", 30, 60), ("M-HE", "heavier", 60, 100),
    ]):
        BaselineClause.objects.create(item=maxonly, code=code, circumstance=circ, condition=f"{circ} 情形",
                                      low_pct=Decimal(low), high_pct=Decimal(high), penalty_kind="fine", order=i)
    return baseline


def party_enterprise(ent) -> dict:
    return {"party_kind": "enterprise", "party_name": ent.name, "party_uscc": ent.uscc, "party_address": "郑州市"}


def party_person(user) -> dict:
    return {"party_kind": "person", "party_name": user.real_name, "party_id_number": user.citizen_id}


def open_case(actor, org, party: dict, *, officers, act_on=None, **extra):
    data = {"source": "discovery", "facts": "未按规定修建防空地下室", "act_on": act_on or dt.date(2026, 3, 1),
            **party, **extra}
    return services.case_create(actor=actor, organisation=org, data=data, officer_ids=[o.pk for o in officers])
