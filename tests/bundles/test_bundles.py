"""一件事一次办: merged form, de-duplicated materials, fan-out into one case per item in one
transaction, one status, fan-in when every case concludes, one bundle notice for supplements."""

import pytest
from django.core.exceptions import ValidationError

from tongban.bundles import selectors
from tongban.bundles import services as bundles
from tongban.bundles.models import BundleApplication, BundleCase
from tongban.cases import services as cases
from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion
from tongban.core.models import Notification

from ..cases.factories import pdf
from .factories import apply_bundle, bundle_files

pytestmark = pytest.mark.django_db


def test_materials_are_merged_once_per_document(bundle):
    merged = bundles.merged_materials(bundles.bundle_versions(bundle))
    names = [row.name for row in merged]
    assert names.count("建设工程规划许可证") == 1 and names.count("防空地下室施工图设计文件") == 1
    shared = next(r for r in merged if r.name == "建设工程规划许可证")
    assert len(shared.members) == 3
    assert sum(len(r.members) for r in merged) == 6 and len(merged) == 3


def test_one_submission_creates_one_case_per_item_with_shared_fields(bundle, enterprise_user, city_a, city_b,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_bundle(enterprise_user, bundle)
    entries = list(BundleCase.objects.filter(application=application).select_related("case"))
    assert len(entries) == 3
    assert [e.case.organisation for e in entries] == [city_a, city_b, city_a]
    assert {e.case.project_name for e in entries} == {"龙湖里二期"}
    assert [e.case.submission_key for e in entries] == [f"bundle-key-1-{n}" for n in (1, 2, 3)]
    assert all(e.case.materials.count() == 2 for e in entries)
    assert Notification.objects.filter(recipient=enterprise_user, title__contains="民用建筑项目人防手续一件事").exists()
    again = apply_bundle(enterprise_user, bundle)  # double click
    assert again.pk == application.pk and Case.objects.count() == 3


def test_it_is_all_or_nothing(bundle, enterprise_user):
    third = bundle.entries.get(order=3).item.current_version
    ItemVersion.objects.filter(pk=third.pk).update(status=ItemVersion.Status.SUPERSEDED)
    with pytest.raises(ValidationError, match="暂未发布"):
        apply_bundle(enterprise_user, bundle)
    ItemVersion.objects.filter(pk=third.pk).update(status=ItemVersion.Status.PUBLISHED)
    with pytest.raises(ValidationError) as exc:
        apply_bundle(enterprise_user, bundle, files=bundle_files(bundle, skip=("建设工程规划许可证",)))
    assert "请上传“建设工程规划许可证”" in str(exc.value)
    with pytest.raises(ValidationError):
        bundles.bundle_submit(actor=enterprise_user, bundle=bundle, data={"contact_name": "高建国", "contact_phone": "12"},
                              files=bundle_files(bundle), submission_key="k-bad-phone")
    assert not Case.objects.exists() and not BundleApplication.objects.exists()


def test_a_licence_provides_a_bundle_material_after_authorisation(bundle, enterprise_user, issue):
    licence = issue()
    files = bundle_files(bundle, skip=("人防工程建设审批意见书",))
    with pytest.raises(ValidationError):
        apply_bundle(enterprise_user, bundle, files=files)
    application = apply_bundle(enterprise_user, bundle, files=bundle_files(bundle, skip=("人防工程建设审批意见书",)),
                         authorise_reuse=True)
    third = application.entries.get(order=3).case
    provided = third.materials.get(name="人防工程建设审批意见书")
    assert provided.attachment is None and licence.number in provided.provided_from


def test_one_status_and_the_bundle_concludes_when_every_case_does(
    bundle, enterprise_user, clerk, reviewer, approver, clerk_b, django_capture_on_commit_callbacks
):
    application = apply_bundle(enterprise_user, bundle)
    def view():
        return selectors.application_view(application)

    assert view().status == "submitted"
    ids = [e.case_id for e in application.entries.order_by("order")]
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_accept(actor=clerk, case_id=ids[0])
        assert view().status == "in_progress"
        cases.case_submit_review(actor=reviewer, case_id=ids[0], opinion="符合", recommend="approve")
        cases.case_decide(actor=approver, case_id=ids[0], decision="approve", reasons="")
        cases.case_reject(actor=clerk_b, case_id=ids[1], reasons="不属于本机关管辖", basis="《行政许可法》第三十二条")
        application.refresh_from_db()
        assert application.status == "open"
        cases.case_accept(actor=clerk, case_id=ids[2])
        cases.case_submit_review(actor=reviewer, case_id=ids[2], opinion="符合", recommend="approve")
        cases.case_decide(actor=approver, case_id=ids[2], decision="approve", reasons="")
    application.refresh_from_db()
    assert application.status == "concluded" and application.concluded_at is not None
    assert view().status == "concluded"
    assert Notification.objects.filter(recipient=enterprise_user, title__contains="已全部办结").count() == 1


def test_supplement_notices_reach_the_applicant_as_one_bundle_notice(
    bundle, enterprise_user, clerk, clerk_b, django_capture_on_commit_callbacks, client
):
    application = apply_bundle(enterprise_user, bundle)
    ids = [e.case_id for e in application.entries.order_by("order")]
    first = Case.objects.get(pk=ids[0]).version.materials.get(order=2)
    second = Case.objects.get(pk=ids[1]).version.materials.get(order=1)
    cases.case_request_supplement(actor=clerk, case_id=ids[0], items=[{"material_id": first.pk, "problem": "缺少审查合格书"}])
    cases.case_request_supplement(actor=clerk_b, case_id=ids[1], items=[{"material_id": second.pk, "problem": "已过期"}])
    before = Notification.objects.filter(recipient=enterprise_user, title__contains="一件事").count()
    with django_capture_on_commit_callbacks(execute=True):
        assert bundles.relay_supplements() == 1
        assert bundles.relay_supplements() == 0
    notices = Notification.objects.filter(recipient=enterprise_user, title="民用建筑项目人防手续一件事：请补正材料")
    assert notices.count() == 1 and before == 0
    body = notices.get().body
    assert "缺少审查合格书" in body and "已过期" in body
    client.force_login(enterprise_user)
    page = client.get(f"/bundles/mine/{application.pk}/").content.decode()
    assert "待补正" in page and "缺少审查合格书" in page and "已过期" in page
    response = client.post(f"/bundles/mine/{application.pk}/supplement/", {
        f"s_{ids[0]}_{first.pk}": pdf(), f"s_{ids[1]}_{second.pk}": pdf()})
    assert response.status_code == 302
    assert set(Case.objects.filter(pk__in=ids[:2]).values_list("status", flat=True)) == {"submitted"}


def test_the_merged_form_page_applies_and_shows_the_bundle(client, bundle, enterprise_user, other_enterprise_user):
    client.force_login(enterprise_user)
    page = client.get("/bundles/apply/YJS-TEST-01/")
    body = page.content.decode()
    assert page.status_code == 200 and body.count('name="contact_phone"') == 1 and "3 个事项共用" in body
    form = {"submission_key": page.context["submission_key"], "contact_name": "高建国", "contact_phone": "13500000001"}
    form.update({f"bm_{k}": f for k, f in bundle_files(bundle).items()})
    response = client.post("/bundles/apply/YJS-TEST-01/", form)
    application = BundleApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bundles/mine/{application.pk}/"
    assert "待受理" in client.get("/bundles/mine/").content.decode()
    bad = client.post("/bundles/apply/YJS-TEST-01/", {"submission_key": "other", "contact_name": "x", "contact_phone": "13500000001"})
    assert bad.status_code == 400 and "请上传" in bad.content.decode()
    client.force_login(other_enterprise_user)
    assert client.get(f"/bundles/mine/{application.pk}/").status_code == 404


def _close_online(v):
    ItemVersion.objects.filter(pk=v.pk).update(online_depth=1)


def _deactivate(v):
    from tongban.catalog.models import ServiceItem

    ServiceItem.objects.filter(pk=v.item_id).update(is_active=False)


def _unpublish(v):
    ItemVersion.objects.filter(pk=v.pk).update(status=ItemVersion.Status.SUPERSEDED)


@pytest.mark.parametrize("close, reason", [
    (_close_online, "暂不支持网上申请"), (_deactivate, "已停止办理"), (_unpublish, "暂未发布或已废止"),
])
def test_a_bundle_with_a_closed_item_is_refused_as_a_whole(close, reason, bundle, enterprise_user, client):
    files, api_files = bundle_files(bundle), bundle_files(bundle)
    second = bundle.entries.get(order=2).item.current_version
    close(second)
    message = f"“{second.name}”{reason}，该一件事暂不能申请。"
    with pytest.raises(ValidationError) as exc:
        apply_bundle(enterprise_user, bundle, files=files)
    assert message in exc.value.messages
    client.force_login(enterprise_user)
    page = client.get("/bundles/apply/YJS-TEST-01/")
    assert page.status_code == 409 and message in page.content.decode()
    response = client.post("/api/v1/bundles/YJS-TEST-01/applications/", {
        "submission_key": "api-closed", "contact_name": "高建国", "contact_phone": "13500000001",
        **{f"bm_{k}": f for k, f in api_files.items()}})
    assert response.status_code == 422 and message in response.json()["message"]
    assert not Case.objects.exists() and not BundleApplication.objects.exists()
