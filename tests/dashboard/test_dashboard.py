"""The leaders' dashboard shows figures over the viewer's scope only."""

import datetime as dt
import json

import pytest

from tongban.accounts.models import Role
from tongban.cases import services
from tongban.cases.sweep import run_sweep

from ..cases.factories import make_item, pdf
from ..factories import StaffFactory

pytestmark = pytest.mark.django_db


def _submit(user, version, key):
    return services.case_submit(actor=user, version=version, submission_key=key,
                                data={"contact_name": "王", "contact_phone": "13800138000"},
                                files={str(m.pk): pdf() for m in version.materials.all()})


def test_figures_cover_the_viewer_scope(client, settings, enterprise_user, city_a, city_b, province):
    settings.TONGBAN_TODAY = dt.date(2025, 11, 3)
    va, vb = make_item(city_a), make_item(city_b, code="11410300MB0001")
    clerk_a = StaffFactory(username="dash_clerk_a", organisation=city_a, roles=[Role.CLERK])
    for n in range(3):
        _submit(enterprise_user, va, f"a{n}")
    _submit(enterprise_user, vb, "b0")
    late = services.case_accept(actor=clerk_a, case_id=_submit(enterprise_user, va, "late").pk)
    run_sweep(dt.date(2025, 11, 18))
    leader_a = StaffFactory(username="leader_a", organisation=city_a, roles=[Role.APPROVER])
    client.force_login(leader_a)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "政务服务办件" in body and "红牌超期" in body
    kpis = {k.label: k.value for k in page.context["panels"][0].kpis}
    # Deemed accepted on the 11th, all four are overdue by the 18th; city B's case is not counted.
    assert kpis["办理中"] == 4 and kpis["红牌超期"] == 4
    charts = json.loads(page.context["charts"] and json.dumps(page.context["charts"]))
    assert sum(charts[0]["option"]["series"][0]["data"]) == 4
    assert late.organisation.name in body


def test_clerks_have_no_dashboard(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get("/dashboard/").status_code == 403


def test_every_module_contributes_its_panel_in_order(client, city_a):
    # Each module registers its own panel (cases, appeals, reviews, policies); the dashboard
    # shows all that the viewer may see, ordered by the modules' chosen positions.
    leader = StaffFactory(username="leader_panels", organisation=city_a, roles=[Role.SUPERVISOR])
    client.force_login(leader)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert [p.title for p in page.context["panels"]] == ["政务服务办件", "有诉即办", "好差评", "免申即享", "双随机一公开"]
    body = page.content.decode()
    assert "回访满意率" in body and "评价覆盖率" in body and "应享未享" in body
