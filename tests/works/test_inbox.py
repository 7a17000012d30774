"""What reaches the station's inbox and the builder's home, and the documents render as PDF."""

from __future__ import annotations

from tongban.core.applicant_home import sections_for
from tongban.core.inbox import counts_for, items_for
from tongban.works import documents, services
from tongban.works.models import Building, WorksDocument

from .factories import submitted, supervised


def _titles(user):
    return [i.title for i in items_for(user) if i.provider == "works"]


def test_registrations_letters_and_rectifications_reach_the_right_inbox(world, builder, w_clerk, w_sup, w_head, contractor):
    waiting = submitted(builder, name="待受理项目")
    assert any("待受理项目" in t for t in _titles(w_clerk))
    assert counts_for(w_clerk, items_for(w_clerk))["total"] >= 1
    project = supervised(builder, w_clerk, w_sup, name="监督中项目",
                         parties=[{"role": "contractor", "uscc": contractor.uscc}])
    plain = Building.objects.get(project=project, has_basement=False)
    services.building_request(actor=builder, building_id=plain.pk)
    assert any("单体竣工验收备案待出函" in t for t in _titles(w_head))
    services.visit_record(actor=w_sup, project_id=project.pk, stage="foundation", outcome="rectify",
                          findings="x", requirement="补强")
    assert any("整改复查：监督中项目" in t for t in _titles(w_sup))
    assert not any("待受理项目" in t for t in _titles(w_sup))  # inspectors do not accept registrations
    home = [s for s in sections_for(builder) if str(s.title) == "人防工程"]
    assert home and {i.title for i in home[0].items} == {waiting.name, project.name}


def test_the_plan_the_letter_and_the_verification_render_as_pdf(world, builder, w_clerk, w_sup, w_head):
    project = supervised(builder, w_clerk, w_sup)
    plan = WorksDocument.objects.get(project=project, kind=WorksDocument.Kind.PLAN)
    assert documents.render_pdf(plan).startswith(b"%PDF")
    assert any("核6级" in line for line in documents.paragraphs(plan))
    plain = Building.objects.get(project=project, has_basement=False)
    services.building_request(actor=builder, building_id=plain.pk)
    letter = services.building_accept(actor=w_head, building_id=plain.pk)
    assert "竣工一幢、验收一幢" in "".join(documents.paragraphs(letter))
    assert documents.render_pdf(letter).startswith(b"%PDF")
