"""The pages: every persona's pages render, the phone record goes through the same service, the
public draw page and file, and a refused step shows its Chinese reason."""

import pytest

from tongban.inspections.models import Status

from .factories import DAY, run_draw

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(task, admin, witness, pin_today):
    pin_today(DAY)
    return run_draw(admin, witness, task).inspections.order_by("position").first()


def test_staff_pages_render_for_their_roles(client, drawn, admin, head, witness):
    member = drawn.members.first().user
    for user, urls in ((admin, ["/inspections/", f"/inspections/plans/{drawn.task.plan_id}/",
                                f"/inspections/tasks/{drawn.task_id}/", "/inspections/directory/"]),
                       (head, ["/inspections/approvals/", f"/inspections/i/{drawn.pk}/"]),
                       (witness, ["/inspections/supervision/"]),
                       (member, ["/inspections/mine/", f"/inspections/i/{drawn.pk}/"])):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
    client.force_login(member)
    assert client.get("/inspections/approvals/").status_code == 403


def test_the_phone_record_refuses_before_approval_then_records(client, drawn, head):
    member = drawn.members.first().user
    client.force_login(member)
    page = client.post(f"/inspections/i/{drawn.pk}/act/record/", {"result_class": "no_issue", "items_checked": "x"},
                       follow=True).content.decode()
    assert "一批准两出示" in page and "尚未取得负责人批准" in page
    client.force_login(head)
    client.post(f"/inspections/i/{drawn.pk}/act/approve/")
    client.force_login(member)
    client.post(f"/inspections/i/{drawn.pk}/act/notice/")
    page = client.get(f"/inspections/i/{drawn.pk}/").content.decode()
    assert 'name="viewport"' in page or "viewport" in page  # the shell is phone-ready
    assert "现场检查记录" in page and 'capture="environment"' in page
    client.post(f"/inspections/i/{drawn.pk}/act/record/", {
        "result_class": "no_issue", "items_checked": "维护管理制度", "signature": "signed", "signed_name": "高建国",
        "signature_confirmed": "1", "inspected_on": DAY.isoformat()})
    drawn.refresh_from_db()
    assert drawn.status == Status.RECORDED
    client.post(f"/inspections/i/{drawn.pk}/act/publish/")
    drawn.refresh_from_db()
    assert drawn.status == Status.PUBLISHED
    client.logout()
    assert drawn.object.name in client.get(f"/inspections/public/tasks/{drawn.task_id}/").content.decode()


def test_public_pages_need_no_login(client, drawn):
    assert client.get("/inspections/public/").status_code == 200
    page = client.get(f"/inspections/public/draws/{drawn.draw_id}/").content.decode()
    assert drawn.draw.commitment in page and drawn.draw.seed in page and "redraw.py" in page
    assert client.get(f"/inspections/public/draws/{drawn.draw_id}.json").json()["format"] == "tongban-draw-file-1"


def test_the_enterprise_sees_its_inspections_and_asks_for_a_withdrawal(client, drawn):
    from ..factories import EnterpriseUserFactory

    user = EnterpriseUserFactory(enterprise=drawn.object.enterprise)
    client.force_login(user)
    page = client.get("/inspections/company/").content.decode()
    assert drawn.task.item.name in page and "申请执法人员回避" in page
    target = drawn.members.first().user
    client.post(f"/inspections/company/{drawn.pk}/withdraw/", {"inspector": target.pk, "reasons": "曾在我公司任职"})
    assert drawn.withdrawals.get().inspector == target
    other = EnterpriseUserFactory()
    client.force_login(other)
    assert drawn.task.item.name not in client.get("/inspections/company/").content.decode()


def test_an_inspector_declares_a_tie_and_an_unavailable_one_leaves_the_pool(client, task, inspectors, objects, admin):
    from tongban.inspections import services

    client.force_login(inspectors[0])
    client.post("/inspections/mine/", {"key": objects[1].uscc, "kind": "relative", "note": "配偶任该公司财务"})
    client.force_login(admin)
    page = client.post("/inspections/directory/", {"action": "profile", "user": inspectors[1].pk, "specialties": "结构",
                                                   "unavailable_reason": ""}, follow=True).content.decode()
    assert "请写明不能参加抽查的原因" in page  # unavailable without a reason is refused
    client.post("/inspections/directory/", {"action": "profile", "user": inspectors[1].pk, "specialties": "结构",
                                            "unavailable_reason": "外出培训"})
    frozen = services.freeze(task)[0]
    assert [f"ins:{inspectors[0].pk}", f"obj:{objects[1].pk}", "conflict"] in frozen["excluded"]
    assert f"ins:{inspectors[1].pk}" not in [i for i, _s in frozen["inspectors"]]
