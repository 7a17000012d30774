"""The verifiable draw: the standalone script agrees with the platform; commitments bind the
lists; no redraw without a void; avoidance, rotation, never fewer than 2; ratio rounding."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.core.errors import Conflict
from tongban.inspections import engine, selectors, services
from tongban.inspections.models import ConflictKind, Draw, DrawStatus, Inspection, Status

from .factories import inspector, redraw, run_draw

pytestmark = pytest.mark.django_db


def test_the_standalone_script_re_draws_what_the_platform_drew(task, admin, witness, tmp_path):
    draw = run_draw(admin, witness, task)
    assert draw.status == DrawStatus.DRAWN
    assert Inspection.objects.filter(draw=draw).count() == 3  # ceil(6 × 0.5)
    out = redraw(draw, tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("OK")


def test_the_script_catches_a_result_that_does_not_follow_from_the_seed(task, admin, witness, tmp_path):
    draw = run_draw(admin, witness, task)
    drawn = draw.result["objects"]["medium"]
    others = [o for o, _s in draw.frozen["objects"] if o not in drawn]
    Draw.objects.filter(pk=draw.pk).update(result={**draw.result, "objects": {"medium": [*drawn[:-1], others[0]]}})
    out = redraw(Draw.objects.get(pk=draw.pk), tmp_path)
    assert out.returncode == 1 and "objects drawn in stratum medium" in out.stdout


def _random_frozen(rng: random.Random):
    strata = ["high", "medium_high", "medium", "low", "unrated"]
    objects = [[f"obj:{i}", rng.choice(strata)] for i in range(rng.randint(1, 300))]
    specs = ["结构", "电气", "通风", ""]
    inspectors = [[f"ins:{i}", sorted({s for s in rng.sample(specs, 2) if s})] for i in range(rng.randint(2, 40))]
    excluded = sorted({(f"ins:{rng.randrange(len(inspectors))}", rng.choice(objects)[0], rng.choice(["conflict", "rotation"]))
                       for _ in range(rng.randint(0, 60))})
    return {"objects": objects, "inspectors": inspectors, "excluded": [list(e) for e in excluded]}


def test_platform_and_script_agree_over_many_seeds(tmp_path):
    """200 random populations and seeds, replacements included: the script says OK every time."""
    import json
    import subprocess
    import sys

    from tongban.core import draw as core_draw

    from .factories import REDRAW

    rng = random.Random(16)
    files = []
    for n in range(200):
        frozen = _random_frozen(rng)
        ratios = {s: rng.choice(["0.3", "0.1", "0.02", "0.01", "1"]) for s in engine.STRATA_ORDER}
        doc = engine.commitment_document(frozen=frozen, ratios=ratios, task=f"T-{n}", sequence=1, item="RF@1",
                                         per_object=rng.choice([2, 2, 3]), required=rng.choice([[], ["结构"]]),
                                         period=("2026-03-01", "2026-03-31"), committed_at="2026-02-27T10:00:00+08:00")
        commitment = core_draw.commitment(doc)
        numbers = [str(rng.randint(0, 99)).zfill(2) for _ in range(rng.randint(1, 7))]
        seed = core_draw.seed_from(commitment, numbers)
        result = engine.compute(frozen, doc, seed)
        replacements = []
        for obj, team in list(result["teams"].items())[:2]:
            new, problem = engine.replacement(frozen, doc, seed, obj=obj, team=team, removed=[team[0]], n=1)
            if problem is None:
                replacements.append({"object": obj, "n": 1, "removed": team[0], "team": new})
        files.append({"format": engine.FILE_FORMAT, "commitment_document": doc, "commitment": commitment, **frozen,
                      "public_numbers": numbers, "seed": seed, "result": result,
                      "result_sha256": engine.result_hash(result), "replacements": replacements})
    blocked = sum(1 for f in files if f["result"]["blocked"])
    assert 0 < blocked < len(files)  # both outcomes exercised
    for i, f in enumerate(files):
        path = tmp_path / f"d{i}.json"
        path.write_text(json.dumps(f, ensure_ascii=False))
    outs = [subprocess.run([sys.executable, "-I", str(REDRAW), str(tmp_path / f"d{i}.json")], capture_output=True,
                           text=True, check=False) for i in range(0, len(files), 10)]
    assert all(o.returncode == 0 for o in outs), [o.stdout for o in outs if o.returncode]
    # and all of them in one process, through the script's own check() (subprocess start-up is slow)
    import importlib.util

    spec = importlib.util.spec_from_file_location("redraw", REDRAW)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert [mod.check(f) for f in files] == [0] * len(files)


def test_a_changed_object_list_changes_the_commitment(task, admin, objects):
    first = services.freeze(task)[0]
    services.object_save(actor=admin, organisation=task.plan.organisation, kind="enterprise",
                         key="91410100MA0000199X" if False else objects[0].uscc, name="改名企业", region="410105",
                         risk_class="high")
    second = services.freeze(task)[0]
    doc = lambda fr: engine.commitment_document(frozen=fr, ratios=task.ratios, task="T", sequence=1, item="I",  # noqa: E731
                                                per_object=2, required=[], period=("a", "b"), committed_at="t")
    assert doc(first)["objects_hash"] != doc(second)["objects_hash"]  # the stratum is part of the list


def test_no_redraw_without_a_void_and_the_voided_draw_stays_public(task, admin, head, witness, client):
    draw = run_draw(admin, witness, task)
    with pytest.raises(Conflict, match="不能重新抽取"):
        services.draw_commit(actor=admin, task_id=task.pk)
    services.draw_void_request(actor=head, draw_id=draw.pk, reason="名录库漏录两家企业")
    with pytest.raises(Conflict, match="申请人以外"):
        services.draw_void_approve(actor=head, draw_id=draw.pk)
    from tongban.accounts.models import Role

    from ..factories import StaffFactory

    services.draw_void_approve(actor=StaffFactory(organisation=task.plan.organisation, roles=[Role.APPROVER]),
                               draw_id=draw.pk)
    assert not Inspection.objects.filter(draw=draw).exclude(status=Status.CANCELLED).exists()
    second = services.draw_commit(actor=admin, task_id=task.pk)
    assert second.sequence == 2 and second.commitment != draw.commitment
    page = client.get(f"/inspections/public/draws/{second.pk}/").content.decode()
    assert "#1 已作废" in page and "名录库漏录两家企业" not in page  # listed beside; its reason on its own page
    assert "名录库漏录两家企业" in client.get(f"/inspections/public/draws/{draw.pk}/").content.decode()


def test_the_database_refuses_two_live_draws_for_one_task(task, admin, witness):
    from django.db import IntegrityError, transaction

    draw = run_draw(admin, witness, task)
    with pytest.raises(IntegrityError), transaction.atomic():
        Draw.objects.create(task=task, sequence=2, document={}, commitment="x" * 64, frozen={}, committed_at=draw.committed_at,
                            committed_by=admin)


def test_the_numbers_need_a_second_person_and_a_source_announced_after_the_commitment(task, admin, witness):
    draw = services.draw_commit(actor=admin, task_id=task.pk)
    with pytest.raises(ValidationError, match="承诺公布之后"):
        services.draw_seed(actor=admin, draw_id=draw.pk, numbers=["1"], source="彩票",
                           announced_on=timezone.localdate(draw.committed_at) - dt.timedelta(days=1))
    services.draw_seed(actor=admin, draw_id=draw.pk, numbers=["01", "02"], source="彩票", announced_on=timezone.localdate(draw.committed_at))
    draw.refresh_from_db()
    assert draw.status == DrawStatus.ENTERED and not draw.seed  # the one who entered cannot confirm alone
    with pytest.raises(ValidationError, match="不一致"):
        services.draw_seed(actor=witness, draw_id=draw.pk, numbers=["01", "03"])
    draw.refresh_from_db()
    assert draw.status == DrawStatus.ENTERED
    services.draw_seed(actor=witness, draw_id=draw.pk, numbers=["01", "02"])
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DRAWN and draw.confirmed_by == witness


def test_declared_conflicts_are_avoided_and_rotation_keeps_last_teams_away(task, admin, witness, inspectors, objects):
    services.conflict_declare(actor=inspectors[0], inspector=inspectors[0], object_id=objects[0].pk,
                              kind=ConflictKind.FORMER_EMPLOYMENT)
    frozen = services.freeze(task)[0]
    assert [f"ins:{inspectors[0].pk}", f"obj:{objects[0].pk}", "conflict"] in frozen["excluded"]
    draw = run_draw(admin, witness, task)
    for obj, team in draw.result["teams"].items():
        assert len(team) == 2
        assert not any([i, obj] == e[:2] for e in frozen["excluded"] for i in team)
    # a later task of the same office: last teams are excluded from the same objects (rotation)
    from .factories import make_task

    later = make_task(admin, task.plan.organisation, task.item, year=2027, start=dt.date(2027, 3, 1))
    excluded = {tuple(e) for e in services.freeze(later)[0]["excluded"]}
    for insp in Inspection.objects.filter(draw=draw):
        for m in insp.members.all():
            assert (f"ins:{m.user_id}", f"obj:{insp.object_id}", "rotation") in excluded


def test_never_fewer_than_two_inspectors_the_task_is_blocked_with_the_reason(admin, witness, office, objects, item):
    from .factories import make_task

    lone = inspector(office, "独行者")
    expired = inspector(office, "过期者", valid_until=dt.date(2026, 1, 31))
    task = make_task(admin, office, item)
    frozen = services.freeze(task)[0]
    assert [i for i, _s in frozen["inspectors"]] == [f"ins:{lone.pk}"]  # an expired certificate cannot be drawn
    assert f"ins:{expired.pk}" not in str(frozen)
    draw = run_draw(admin, witness, task)
    assert draw.status == DrawStatus.BLOCKED
    assert "第四十二条" in draw.blocked_reason and "仅 1 名" in draw.blocked_reason
    assert not Inspection.objects.filter(draw=draw).exists()  # nothing assigned


def test_required_specialties_are_covered_or_the_task_is_blocked(admin, witness, office, objects):
    from .factories import make_item, make_task

    item = make_item(admin, office, specialties=["防化"], code="RF-009")
    inspector(office, "甲")
    inspector(office, "乙")
    task = make_task(admin, office, item)
    draw = run_draw(admin, witness, task)
    assert draw.status == DrawStatus.BLOCKED and "防化" in draw.blocked_reason
    chem = inspector(office, "丙", specialties=["防化"])
    services.draw_void_request(actor=admin, draw_id=draw.pk, reason="补充防化专业人员")
    from tongban.accounts.models import Role

    from ..factories import StaffFactory

    services.draw_void_approve(actor=StaffFactory(organisation=office, roles=[Role.APPROVER]), draw_id=draw.pk)
    draw2 = run_draw(admin, witness, task)
    assert draw2.status == DrawStatus.DRAWN
    assert all(f"ins:{chem.pk}" in team for team in draw2.result["teams"].values())


def test_ratios_round_up_per_stratum(admin, witness, office, inspectors):
    from .factories import enterprise_objects, make_item, make_task

    enterprise_objects(admin, office, 3, risk="high")  # 3 × 30% = 0.9 → 1
    enterprise_objects(admin, office, 11, risk="low")  # 11 × 10% = 1.1 → 2
    item = make_item(admin, office, code="RF-002")
    task = make_task(admin, office, item, ratios={"high": "0.3", "low": "10%"})
    draw = run_draw(admin, witness, task)
    assert draw.document["strata"]["high"] == {"n": 3, "ratio": "0.3", "k": 1}
    assert draw.document["strata"]["low"] == {"n": 11, "ratio": "0.1", "k": 2}
    assert {s: len(v) for s, v in draw.result["objects"].items()} == {"high": 1, "low": 2}


def test_credit_risk_class_wins_over_the_directory_field(task, admin, objects):
    from tongban.core import standing

    standing.register(lambda usccs: {u: standing.Standing(subject=u, known=True, risk_class="high") for u in usccs[:1]})
    try:
        frozen, _names, extra = services.freeze(task)
    finally:
        standing.unregister()
    strata = dict(map(tuple, frozen["objects"]))
    first = f"obj:{objects[0].pk}"
    assert strata[first] == "high" and extra["risk_source"][first] == "credit"
    assert list(extra["risk_source"].values()).count("directory") == 5


def test_the_draw_file_is_public_and_the_api_returns_it(task, admin, witness, client):
    draw = run_draw(admin, witness, task)
    body = client.get(f"/api/v1/inspections/draws/{draw.pk}").json()
    assert body["file"]["commitment"] == draw.commitment and body["file"]["seed"] == draw.seed
    assert client.get(f"/inspections/public/draws/{draw.pk}.json").json() == selectors.draw_file(draw)


def test_a_void_request_can_be_refused_with_a_reason_and_the_draw_stays_in_force(task, admin, head, witness, client):
    from tongban.accounts.models import Role
    from tongban.core.models import AuditEvent

    from ..factories import StaffFactory

    draw = run_draw(admin, witness, task)
    services.draw_void_request(actor=admin, draw_id=draw.pk, reason="想换一批企业")
    with pytest.raises(ValidationError):
        services.draw_void_refuse(actor=head, draw_id=draw.pk, reason="  ")
    services.draw_void_refuse(actor=head, draw_id=draw.pk, reason="理由不成立，抽取结果有效")
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DRAWN and not draw.void_requested_by_id
    assert Inspection.objects.filter(draw=draw, status=Status.ASSIGNED).count() == len(draw.result["teams"])
    with pytest.raises(Conflict, match="尚无作废申请"):
        services.draw_void_approve(actor=head, draw_id=draw.pk)
    assert AuditEvent.objects.filter(action="inspections.draw.void_refuse", object_id=str(draw.pk)).exists()
    client.force_login(head)
    page = client.get(f"/inspections/tasks/{task.pk}/").content.decode()
    assert "理由不成立，抽取结果有效" in page and "批准作废" not in page
    # The one who asked cannot refuse (or approve) their own request.
    second_head = StaffFactory(organisation=task.plan.organisation, roles=[Role.APPROVER])
    services.draw_void_request(actor=second_head, draw_id=draw.pk, reason="再次申请")
    with pytest.raises(Conflict, match="申请人以外"):
        services.draw_void_refuse(actor=second_head, draw_id=draw.pk, reason="撤回")


def test_an_inspector_at_the_workload_cap_is_never_drawn_and_the_verifier_agrees(task, admin, witness, office,
                                                                                  inspectors, tmp_path, settings):
    from .factories import make_item, make_task

    settings.TONGBAN_INSPECTIONS_INSPECTOR_CAP = 1
    first = run_draw(admin, witness, task)
    busy = {i for team in first.result["teams"].values() for i in team}
    assert busy
    other = make_task(admin, office, make_item(admin, office, code="RF-002"), ratios={"medium": "1"})
    second = run_draw(admin, witness, other)  # same period: the first task's teams are at the cap
    frozen = {i for i, _specs in second.frozen["inspectors"]}
    assert frozen == {f"ins:{u.pk}" for u in inspectors} - busy
    assert not busy & {i for team in (second.result["teams"] or {}).values() for i in team}
    assert redraw(second, tmp_path).returncode == 0
