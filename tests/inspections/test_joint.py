"""综合查一次: a joint task is visible to its partner departments, each with its own part (the
inspections its officers are on), and they act on that part only; anyone else gets a 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongban.accounts.models import Role
from tongban.inspections import services
from tongban.inspections.models import Inspection, Status

from ..factories import OrganisationFactory, StaffFactory
from .factories import DAY, enterprise_objects, inspector, make_item, make_task, run_draw

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(admin, witness, office, city_b, pin_today):
    pin_today(DAY)
    objects = enterprise_objects(admin, office, 6)
    for name in ("吴执法", "郑执法"):
        inspector(office, name)
    partner_officers = [inspector(city_b, name) for name in ("乙市甲", "乙市乙")]
    task = make_task(admin, office, make_item(admin, office), ratios={"medium": "1"}, partners=[city_b])
    run_draw(admin, witness, task)
    ids = {u.pk for u in partner_officers}
    drawn = list(Inspection.objects.filter(task=task).prefetch_related("members"))
    part = [i for i in drawn if {m.user_id for m in i.members.all()} & ids]
    rest = [i for i in drawn if i not in part]
    assert part and len(drawn) == len(objects)
    return task, part, rest


def test_the_partner_department_sees_the_joint_task_and_its_part(joint, city_b, client):
    task, part, rest = joint
    client.force_login(StaffFactory(organisation=city_b, roles=[Role.APPROVER]))
    assert task.number in client.get("/inspections/").content.decode()
    page = client.get(f"/inspections/tasks/{task.pk}/").content.decode()
    assert "联合检查" in page and "乙市人防办" in page
    for insp in part:
        assert insp.object.name in page
    for insp in rest:
        assert f"/inspections/i/{insp.pk}/" not in page
    assert "冻结名单并公布抽取承诺" not in page and "申请作废" not in page  # the lead's operations
    assert client.get(f"/inspections/i/{part[0].pk}/").status_code == 200


def test_the_partner_head_approves_its_part_only_and_cannot_void_the_lead_draw(joint, city_b):
    _task, part, rest = joint
    partner_head = StaffFactory(organisation=city_b, roles=[Role.APPROVER])
    services.inspection_approve(actor=partner_head, inspection_id=part[0].pk)
    assert Inspection.objects.get(pk=part[0].pk).status == Status.APPROVED
    for insp in rest:
        with pytest.raises(Http404):
            services.inspection_approve(actor=partner_head, inspection_id=insp.pk)
        assert Inspection.objects.get(pk=insp.pk).status == Status.ASSIGNED
    with pytest.raises(PermissionDenied):
        services.draw_void_request(actor=partner_head, draw_id=part[0].draw_id, reason="x")
    assert not Inspection.objects.get(pk=part[0].pk).draw.void_requested_by_id


def test_a_department_that_is_not_a_partner_still_gets_404(joint, province, client):
    task, part, _rest = joint
    outsider = StaffFactory(organisation=OrganisationFactory(name="丙市人防办", parent=province, division_code="410500"),
                            roles=[Role.APPROVER])
    client.force_login(outsider)
    assert task.number not in client.get("/inspections/").content.decode()
    assert client.get(f"/inspections/tasks/{task.pk}/").status_code == 404
    assert client.get(f"/inspections/i/{part[0].pk}/").status_code == 404
    with pytest.raises(Http404):
        services.inspection_approve(actor=outsider, inspection_id=part[0].pk)
    assert Inspection.objects.get(pk=part[0].pk).status == Status.ASSIGNED
