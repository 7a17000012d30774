"""The legal office keeps the discretion baselines on staff pages' services: a draft copy of the
version in force, its violations, circumstances and bands edited and validated, published with an
effective date; a published version is never edited, and proposals cite the version in force."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.accounts.models import Role
from tongban.core.errors import Conflict
from tongban.enforcement import services
from tongban.enforcement.models import Baseline, BaselineClause, BaselineItem

from ..factories import StaffFactory
from .conftest import DAY0

ITEM = {"code": "RF-09", "violation": "未按规定报批人防工程", "violated_provision": "《人民防空法》第二十二条",
        "penalty_provision": "《人民防空法》第四十八条", "scheme": "range", "min_yuan": "1000", "max_yuan": "5000"}


@pytest.fixture
def legal(city_a):
    return StaffFactory(username="b_legal", organisation=city_a, roles=[Role.LEGAL_REVIEWER])


def _counts():
    return Baseline.objects.count(), BaselineItem.objects.count(), BaselineClause.objects.count()


def test_a_new_version_is_a_draft_copy_of_the_one_in_force(today, baseline, legal):
    draft = services.baseline_new_version(actor=legal, baseline_id=baseline.pk)
    assert draft.status == "draft" and draft.version == 2 and draft.code == baseline.code
    assert sorted(draft.items.values_list("code", flat=True)) == ["RF-01", "RF-02"]
    assert BaselineClause.objects.filter(item__baseline=draft).count() == 8
    with pytest.raises(Conflict):  # one draft at a time
        services.baseline_new_version(actor=legal, baseline_id=baseline.pk)


def test_a_published_version_cannot_be_edited(today, baseline, legal):
    item = baseline.items.get(code="RF-01")
    before = _counts()
    with pytest.raises(Conflict, match="公布的裁量基准不得修改"):
        services.baseline_item_save(actor=legal, baseline_id=baseline.pk, item_id=item.pk, data=ITEM)
    with pytest.raises(Conflict, match="公布的裁量基准不得修改"):
        services.baseline_clause_save(actor=legal, item_id=item.pk, data={
            "code": "R-X", "circumstance": "general", "condition": "无", "low_pct": "0", "high_pct": "10"})
    item.refresh_from_db()
    assert item.max_fen == 50_000_00 and _counts() == before


@pytest.mark.parametrize("change, field", [
    ({"min_yuan": "6000"}, "min_yuan"),  # min > max
    ({"max_yuan": "-1"}, "max_yuan"),  # negative
    ({"penalty_provision": ""}, "penalty_provision"),  # no legal basis
    ({"scheme": "multiple"}, "scheme"),
])
def test_item_validation(today, baseline, legal, change, field):
    draft = services.baseline_new_version(actor=legal, baseline_id=baseline.pk)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.baseline_item_save(actor=legal, baseline_id=draft.pk, data={**ITEM, **change})
    assert field in exc.value.message_dict and _counts() == before


def test_both_schemes_and_clause_bands_are_validated(today, baseline, legal):
    draft = services.baseline_new_version(actor=legal, baseline_id=baseline.pk)
    maxonly = services.baseline_item_save(actor=legal, baseline_id=draft.pk,
                                          data={**ITEM, "scheme": "max_only", "min_yuan": "999", "max_yuan": "8000"})
    assert maxonly.min_fen == 0 and maxonly.max_fen == 8000_00  # a maximum-only scale has no minimum
    with pytest.raises(ValidationError):  # low above high
        services.baseline_clause_save(actor=legal, item_id=maxonly.pk, data={
            "code": "X-GE", "circumstance": "general", "condition": "一般", "low_pct": "60", "high_pct": "30"})
    with pytest.raises(ValidationError):  # below zero on a maximum-only scale
        services.baseline_clause_save(actor=legal, item_id=maxonly.pk, data={
            "code": "X-MI", "circumstance": "mitigated", "condition": "减轻", "low_pct": "-10", "high_pct": "0"})
    ranged = draft.items.get(code="RF-01")
    clause = services.baseline_clause_save(actor=legal, item_id=ranged.pk, data={
        "code": "R-MI2", "circumstance": "mitigated", "condition": "主动退赔", "low_pct": "-80", "high_pct": "0"})
    assert clause.low_pct == -80  # 减轻 below the minimum on a min–max scale


def test_a_proposal_after_publication_cites_the_new_version(today, ent_case, baseline, legal, o1, investigate):
    draft = services.baseline_new_version(actor=legal, baseline_id=baseline.pk)
    item = draft.items.get(code="RF-01")
    general = item.clauses.get(code="R-GE")
    services.baseline_clause_save(actor=legal, item_id=item.pk, clause_id=general.pk, data={
        "code": "R-GE", "circumstance": "general", "condition": "无从轻、从重情节", "low_pct": "20", "high_pct": "40"})
    with pytest.raises(ValidationError):  # not back-dated
        services.baseline_publish(actor=legal, baseline_id=draft.pk, effective_from=DAY0 - dt.timedelta(days=1))
    services.baseline_publish(actor=legal, baseline_id=draft.pk, effective_from=DAY0 + dt.timedelta(days=10))
    assert list(services.baselines_for(ent_case)) == [baseline]  # not in force yet: v1 still applies
    today(DAY0 + dt.timedelta(days=10))
    assert list(services.baselines_for(ent_case)) == [Baseline.objects.get(pk=draft.pk)]
    investigate(ent_case, on=DAY0 + dt.timedelta(days=10))
    case = services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=item.pk, facts=[])
    assert case.proposal["baseline"] == draft.label == "T-RF v2"
    assert case.fine_fen == 22_000_00  # the middle of the new general band (20–40% of ¥10,000–¥50,000)
    with pytest.raises(ValidationError):  # the superseded version is no longer offered
        services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=baseline.items.get(code="RF-01").pk)


ROLES = ["anonymous", "applicant", "outsider", "officer", "head", "legal"]


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_baseline_operations(role, today, baseline, legal, o1, head, city_b, enterprise_user):
    actors = {"anonymous": AnonymousUser(), "applicant": enterprise_user, "officer": o1, "head": head, "legal": legal,
              "outsider": StaffFactory(username="b_out", organisation=city_b, roles=[Role.LEGAL_REVIEWER])}
    draft = services.baseline_new_version(actor=legal, baseline_id=baseline.pk)
    actor = actors[role]
    calls = [
        lambda: services.baseline_new_version(actor=actor, baseline_id=baseline.pk),
        lambda: services.baseline_item_save(actor=actor, baseline_id=draft.pk, data=ITEM),
        lambda: services.baseline_clause_save(actor=actor, item_id=(
            draft.items.filter(code="RF-09").first() or draft.items.first()).pk, data={
            "code": "R-Z", "circumstance": "general", "condition": "无", "low_pct": "0", "high_pct": "10"}),
        lambda: services.baseline_meta_save(actor=actor, baseline_id=draft.pk, title="修订稿"),
        lambda: services.baseline_clause_delete(actor=actor, clause_id=draft.items.get(code="RF-01").clauses.get(
            code="R-MI").pk),
        lambda: services.baseline_item_delete(actor=actor, item_id=draft.items.get(code="RF-02").pk),
        lambda: services.baseline_publish(actor=actor, baseline_id=draft.pk, effective_from=DAY0),
        lambda: services.baseline_create(actor=actor, organisation=baseline.organisation, code="T-NEW",
                                         title="新基准"),
        lambda: services.baseline_draft_delete(actor=actor, baseline_id=Baseline.objects.filter(
            code="T-NEW").values_list("pk", flat=True).first() or draft.pk),
    ]
    if role == "legal":
        with pytest.raises(Conflict):  # allowed, but one draft at a time
            calls[0]()
        for call in calls[1:]:
            call()
        published = Baseline.objects.get(pk=draft.pk)
        assert (published.status, published.title) == ("published", "修订稿")
        assert sorted(published.items.values_list("code", flat=True)) == ["RF-01", "RF-09"]
        assert not Baseline.objects.filter(code="T-NEW").exists()  # created, then discarded
        return
    before = _counts(), Baseline.objects.get(pk=draft.pk).status
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert (_counts(), Baseline.objects.get(pk=draft.pk).status) == before
