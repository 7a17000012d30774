"""The pages requesters, staff and the public use."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.appeals import services
from tongban.appeals.models import Appeal, RoutingRule

pytestmark = pytest.mark.django_db


def test_anonymous_files_on_the_portal_then_tracks_rates_and_reopens(client, rule, handler_a):
    page = client.get("/appeals/new/")
    assert page.status_code == 200 and "联系电话" in page.content.decode()
    bad = client.post("/appeals/new/", {"kind": "consultation", "content": "易地建设费减免？"})
    assert bad.status_code == 400 and "请留下联系电话" in bad.content.decode() and not Appeal.objects.exists()
    response = client.post("/appeals/new/", {"kind": "consultation", "content": "易地建设费能减免吗？",
                                             "phone": "13900001111", "name": "赵先生"})
    assert response.status_code == 302 and response["Location"] == "/appeals/receipt/"
    appeal = Appeal.objects.get()
    receipt = client.get("/appeals/receipt/").content.decode()
    assert appeal.number in receipt and appeal.query_code in receipt
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="公益项目可以减免。")
    track = client.get("/appeals/track/", {"number": appeal.number, "code": appeal.query_code}).content.decode()
    assert "公益项目可以减免" in track and "赵先生" not in track and "13900001111" not in track
    assert client.get("/appeals/track/", {"number": appeal.number, "code": "WRONG1"}).status_code == 404
    client.post("/appeals/track/", {"number": appeal.number, "code": appeal.query_code, "action": "callback",
                                    "satisfaction": "unsatisfied"})
    client.post("/appeals/track/", {"number": appeal.number, "code": appeal.query_code, "action": "reopen",
                                    "reason": "没说明依据"})
    appeal.refresh_from_db()
    assert appeal.status == "handling" and appeal.reopen_count == 1


def test_the_portal_form_is_rate_limited(client, rule, settings):
    settings.TONGBAN_APPEALS_ANON_LIMITS = [("ip", 1, 3600)]
    form = {"kind": "suggestion", "content": "建议", "phone": "13900001111"}
    assert client.post("/appeals/new/", form).status_code == 302
    limited = client.post("/appeals/new/", form)
    assert limited.status_code == 429 and "提交过于频繁" in limited.content.decode()


def test_a_logged_in_applicant_sees_their_appeal_and_rates_the_answer(client, citizen, rule, handler_a):
    client.force_login(citizen)
    response = client.post("/appeals/new/", {"kind": "consultation", "content": "易地建设费减免"})
    appeal = Appeal.objects.get()
    assert response["Location"] == f"/appeals/mine/{appeal.pk}/" and appeal.requester == citizen
    assert appeal.number in client.get("/appeals/mine/").content.decode()
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="可以。")
    client.post(f"/appeals/mine/{appeal.pk}/callback/", {"satisfaction": "satisfied"})
    assert Appeal.objects.get().status == "closed"


def test_staff_page_hides_the_name_from_the_unit_complained_about(client, file_appeal, handler_a, dept_a, admin_a):
    appeal = file_appeal(kind="complaint", content="易地建设费窗口乱收费", respondent_id=dept_a.pk)
    client.force_login(handler_a)
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "身份已保护" in page and "张明" not in page and "13812345678" not in page
    listing = client.get("/appeals/").content.decode()
    assert appeal.number in listing and "张明" not in listing and "13812345678" not in listing


def test_list_masks_phones(client, file_appeal, admin_a):
    file_appeal()
    client.force_login(admin_a)
    listing = client.get("/appeals/").content.decode()
    assert "138****5678" in listing and "13812345678" not in listing


def test_staff_handle_an_appeal_through_the_page(client, file_appeal, handler_a, city_b):
    appeal = file_appeal()
    client.force_login(handler_a)
    assert "确认受理" in client.get(f"/appeals/{appeal.pk}/").content.decode()
    client.post(f"/appeals/{appeal.pk}/act/accept/", {"row_version": appeal.row_version})
    stale = client.post(f"/appeals/{appeal.pk}/act/reply/", {"row_version": appeal.row_version, "body": "x"},
                        follow=True)
    assert "已被他人处理" in stale.content.decode()
    client.post(f"/appeals/{appeal.pk}/act/reply/", {"body": "答复内容"})
    assert Appeal.objects.get().status == "replied"


def test_window_registration_and_csv_import_pages(client, handler_a, rule):
    client.force_login(handler_a)
    response = client.post("/appeals/register/", {"channel": "window", "kind": "complaint", "content": "易地建设费",
                                                  "name": "来访人", "phone": "13700001111"})
    appeal = Appeal.objects.get()
    assert response["Location"] == f"/appeals/{appeal.pk}/" and appeal.channel == "window"
    assert appeal.registered_by == handler_a and appeal.requester is None
    csv = "工单编号,诉求类型,诉求内容,联系电话\nA1,建议,易地建设费公示,13700002222\n".encode()
    page = client.post("/appeals/import/", {"file": SimpleUploadedFile("t.csv", csv, "text/csv")})
    assert page.status_code == 200 and "导入 1 件" in page.content.decode()


def test_supervisor_sees_supervision_and_cannot_register(client, supervisor_p, file_appeal):
    file_appeal()
    client.force_login(supervisor_p)
    assert client.get("/appeals/supervision/").status_code == 200
    assert client.get("/appeals/register/").status_code == 403


def test_admin_configures_rules_and_limits(client, admin_p, city_a):
    client.force_login(admin_p)
    assert client.get("/appeals/config/").status_code == 200
    client.post("/appeals/config/rules/new/", {"name": "警报", "priority": 50, "kinds": ["complaint"],
                                               "keywords": "警报", "organisation": city_a.pk, "is_active": "on"})
    assert RoutingRule.objects.get().kind_list() == ["complaint"]
    client.post("/appeals/config/", {"form": "limits", **{f"days_{k}": 7 for k in
                                                          ("complaint", "consultation", "suggestion", "help", "praise")},
                                     **{f"reopen_{k}": 3 for k in ("complaint", "consultation", "suggestion", "help",
                                                                   "praise")}})
    from tongban.appeals.routing import limit_days

    assert limit_days("complaint") == 7 and limit_days("complaint", reopen=True) == 3


def test_public_knowledge_base_pages(client, admin_a):
    from tongban.appeals import kb_services

    article = kb_services.article_save(actor=admin_a, data={"question": "防空地下室怎么验收", "answer": "竣工验收备案。",
                                                            "organisation_id": admin_a.organisation_id})
    assert client.get(f"/appeals/kb/{article.pk}/").status_code == 404  # a draft is not public
    kb_services.article_set_state(actor=admin_a, article_id=article.pk, state="published")
    page = client.get("/appeals/kb/", {"q": "防空"}).content.decode()
    assert "<mark>防空</mark>" in page
    assert "竣工验收备案" in client.get(f"/appeals/kb/{article.pk}/").content.decode()


def test_staff_appeal_page_masks_the_complainants_phone_until_revealed_and_audits_it(client, file_appeal, handler_a):
    from tongban.core.models import AuditEvent

    appeal = file_appeal(kind="complaint", content="窗口拖延办理", name="张明", phone="13812345678")
    client.force_login(handler_a)
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "13812345678" not in page and "138****5678" in page and "显示完整信息" in page
    assert not AuditEvent.objects.filter(action="pii.read").exists()
    page = client.get(f"/appeals/{appeal.pk}/?reveal=1").content.decode()
    assert "13812345678" in page
    event = AuditEvent.objects.get(action="pii.read")
    assert event.actor_repr == handler_a.username and event.object_id == str(appeal.pk)
