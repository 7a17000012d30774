"""Licence reuse (免证可办): valid licences stand in for uploads after authorisation; expired,
revoked and forged ones are refused with the reason; the case records what was used."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.cases.models import Case, CaseMaterial
from tongban.licences import reuse, services
from tongban.licences.models import Licence, LicenceUse

from ..cases.factories import pdf
from .factories import submit_with

pytestmark = pytest.mark.django_db
D = dt.date


def _second_material(version):
    return version.materials.get(order=2)


def test_a_valid_licence_provides_the_material_and_the_case_records_it(issue, reuse_version, enterprise_user):
    licence = issue()
    lookup = reuse.reuse_lookup(actor=enterprise_user, version=reuse_version, authorised=True)
    first = reuse_version.materials.get(order=1)
    assert list(lookup.provided) == [first.pk] and licence.number in lookup.provided[first.pk]
    second = _second_material(reuse_version)
    case = submit_with(enterprise_user, reuse_version, files={str(second.pk): pdf()}, provided=lookup.provided)
    reuse.reuse_record(case=case, lookup=lookup, actor=enterprise_user)
    row = CaseMaterial.objects.get(case=case, material=first)
    assert row.attachment is None and licence.number in row.provided_from and "验签通过" in row.provided_from
    use = LicenceUse.objects.get(case=case)
    assert use.licence == licence and use.result == "valid" and use.signature_ok
    assert reuse.reuse_share(Case.objects.all()) == {"total": 2, "provided": 1, "share": 50.0}


def test_without_authorisation_nothing_is_looked_up(issue, reuse_version, enterprise_user):
    issue()
    lookup = reuse.reuse_lookup(actor=enterprise_user, version=reuse_version, authorised=False)
    assert lookup.rows == [] and lookup.provided == {}
    second = _second_material(reuse_version)
    with pytest.raises(ValidationError) as exc:
        submit_with(enterprise_user, reuse_version, files={str(second.pk): pdf()}, provided=lookup.provided)
    assert "请上传" in str(exc.value)


def test_an_expired_licence_is_refused_with_the_date(issue, reuse_version, enterprise_user, pin_today):
    pin_today(D(2023, 1, 5))
    issue()
    pin_today(D(2026, 3, 2))
    lookup = reuse.reuse_lookup(actor=enterprise_user, version=reuse_version, authorised=True)
    assert lookup.provided == {}
    assert "2025-01-04 到期" in lookup.rows[0].message and "请上传" in lookup.rows[0].message


def test_a_revoked_licence_is_refused_with_the_reason(issue, reuse_version, enterprise_user, approver):
    licence = issue()
    services.licence_revoke(actor=approver, licence_id=licence.pk, reason="地块编号错误")
    lookup = reuse.reuse_lookup(actor=enterprise_user, version=reuse_version, authorised=True)
    assert lookup.provided == {} and "已注销（原因：地块编号错误）" in lookup.rows[0].message


def test_a_forged_licence_is_refused(issue, reuse_version, enterprise_user):
    licence = issue()
    Licence.objects.filter(pk=licence.pk).update(holder_name="改过的名称", payload={**licence.payload, "issued_on": "2020-01-01"})
    lookup = reuse.reuse_lookup(actor=enterprise_user, version=reuse_version, authorised=True)
    assert lookup.provided == {} and "签名验证未通过" in lookup.rows[0].message


def test_the_newest_valid_licence_wins_over_a_revoked_one(issue, reuse_version, enterprise_user, approver, pin_today):
    pin_today(D(2026, 1, 5))
    good = issue()
    pin_today(D(2026, 2, 5))
    bad = issue()
    services.licence_revoke(actor=approver, licence_id=bad.pk, reason="错误")
    lookup = reuse.reuse_lookup(actor=enterprise_user, version=reuse_version, authorised=True)
    assert lookup.rows[0].licence == good and lookup.rows[0].provided


def test_another_enterprise_s_licence_is_never_used(issue, reuse_version, other_enterprise_user):
    issue()
    lookup = reuse.reuse_lookup(actor=other_enterprise_user, version=reuse_version, authorised=True)
    assert lookup.provided == {} and "未找到" in lookup.rows[0].message


def test_the_form_partial_shows_the_result_after_authorising(client, issue, reuse_version, enterprise_user):
    licence = issue()
    client.force_login(enterprise_user)
    response = client.post(f"/licences/reuse/{reuse_version.pk}/", {"licence_reuse": "1"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and licence.number in body and "无需上传" in body
    first = reuse_version.materials.get(order=1)
    assert f'id="reuse-m-{first.pk}"' in body and 'hx-swap-oob="true"' in body
    assert licence.number not in client.post(f"/licences/reuse/{reuse_version.pk}/", {}).content.decode()


def test_the_template_tags_render_in_an_application_form(rf, reuse_version, enterprise_user):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = enterprise_user
    html = Template("{% load licence_reuse %}{% licence_reuse_panel version %}"
                    "{% for m in version.materials.all %}{% licence_reuse_slot m %}{% endfor %}").render(
        Context({"version": reuse_version, "request": request}))
    assert 'name="licence_reuse"' in html and "免证可办" in html and "可由电子证照免提交" in html


def test_the_application_form_takes_the_material_from_the_licence(client, issue, reuse_version, enterprise_user):
    # The cases form knows licences only as a registered material source: the form marks the
    # material as reusable, and with consent the submitted case files the licence instead.
    licence = issue()
    first, second = reuse_version.materials.get(order=1), _second_material(reuse_version)
    client.force_login(enterprise_user)
    url = f"/cases/apply/{reuse_version.item.implementation_code}/"
    page = client.get(url)
    assert page.context["reusable_ids"] == {first.pk}
    form = {"submission_key": "reuse-1", "contact_name": "王经理", "contact_phone": "13800138000",
            "licence_reuse": "1", f"material_{second.pk}": pdf()}
    response = client.post(url, form)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/mine/{case.pk}/"
    row = CaseMaterial.objects.get(case=case, material=first)
    assert row.attachment is None and licence.number in row.provided_from
    assert LicenceUse.objects.get(case=case).licence == licence


def test_without_consent_the_form_still_asks_for_the_upload(client, issue, reuse_version, enterprise_user):
    issue()
    second = _second_material(reuse_version)
    client.force_login(enterprise_user)
    response = client.post(f"/cases/apply/{reuse_version.item.implementation_code}/", {
        "submission_key": "reuse-2", "contact_name": "王经理", "contact_phone": "13800138000",
        f"material_{second.pk}": pdf()})
    assert response.status_code == 400
    assert Case.objects.count() == 0 and LicenceUse.objects.count() == 0


def test_the_api_applies_with_a_licence_in_place_of_an_upload(client, issue, reuse_version, enterprise_user):
    licence = issue()
    first, second = reuse_version.materials.get(order=1), _second_material(reuse_version)
    client.force_login(enterprise_user)
    form = {"item_id": reuse_version.item_id, "submission_key": "api-reuse", "contact_name": "王经理",
            "contact_phone": "13800138000", f"material_{second.pk}": pdf()}
    refused = client.post("/api/v1/cases/", form)
    assert refused.status_code == 422 and "请上传“人防工程建设审批意见书”" in refused.json()["message"]
    response = client.post("/api/v1/cases/", {**form, f"material_{second.pk}": pdf(), "licence_reuse": "true"})
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert licence.number in CaseMaterial.objects.get(case=case, material=first).provided_from
    assert LicenceUse.objects.get(case=case).licence == licence


def test_an_upload_wins_over_a_licence_and_records_no_use(client, issue, reuse_version, enterprise_user):
    issue()
    client.force_login(enterprise_user)
    form = {"submission_key": "view-both", "contact_name": "王经理", "contact_phone": "13800138000",
            "licence_reuse": "1", **{f"material_{m.pk}": pdf() for m in reuse_version.materials.all()}}
    response = client.post(f"/cases/apply/{reuse_version.item.implementation_code}/", form)
    assert response.status_code == 302
    case = Case.objects.get()
    assert not CaseMaterial.objects.filter(case=case).exclude(provided_from="").exists()
    assert not LicenceUse.objects.filter(case=case).exists()
