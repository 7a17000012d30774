"""Issuing on approval, signing with the organisation's key, revocation, expiry, and the public
verification page and file upload."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from tongban.core.errors import Conflict
from tongban.core.models import AuditEvent, Notification
from tongban.licences import crypto, documents, services, signing
from tongban.licences.models import Licence, SigningKey, Status

pytestmark = pytest.mark.django_db
D = dt.date


def test_approving_a_case_issues_a_signed_licence_filled_from_the_case(
    submit, approve, licence_type, enterprise_user, pin_today, django_capture_on_commit_callbacks
):
    pin_today(D(2026, 3, 2))
    case = submit(project_name="龙湖里住宅小区二期", address="郑州市郑东新区龙湖外环路")
    with django_capture_on_commit_callbacks(execute=True):
        approve(case)
    licence = Licence.objects.get(case=case)
    assert licence.licence_type == licence_type and licence.issuer == case.organisation
    assert licence.fields == {"project_name": "龙湖里住宅小区二期", "address": "郑州市郑东新区龙湖外环路",
                              "case_number": case.number}
    assert licence.holder_code == enterprise_user.enterprise.uscc
    assert licence.issued_on == D(2026, 3, 2) and licence.valid_until == D(2028, 3, 1)  # 24 months
    assert signing.verify_licence(licence).result == Status.VALID
    assert SigningKey.objects.filter(organisation=case.organisation, status="active").count() == 1
    assert Notification.objects.filter(recipient=enterprise_user, title__contains="电子证照已签发").exists()
    # The hook running again (or the sweep) issues nothing more.
    services.licence_issue_for_case(case.pk)
    assert services.issue_missing() == 0 and Licence.objects.count() == 1


def test_a_denied_case_or_an_unmapped_item_yields_no_licence(submit, approve, licence_type,
                                                             django_capture_on_commit_callbacks):
    case = submit()
    with django_capture_on_commit_callbacks(execute=True):
        approve(case, decision="deny")
    assert not Licence.objects.exists()


def test_the_sweep_issues_what_the_hook_missed(submit, approve, licence_type):
    case = submit()
    approve(case)  # on-commit hooks not run: as if the worker had crashed
    assert not Licence.objects.exists()
    assert services.issue_missing() == 1 and Licence.objects.get().case == case


def test_private_keys_are_stored_encrypted_under_the_kek(issue, settings, monkeypatch):
    licence = issue()
    key = licence.key
    secret = signing.private_hex(key)
    assert secret not in key.wrapped_private and crypto.public_from_private(secret) == key.public_key
    assert key.kek_id == signing.current_kek_id()
    monkeypatch.setenv("TONGBAN_LICENCE_KEK", "a-new-key-encryption-key")
    with pytest.raises(crypto.SignatureError):
        signing.private_hex(key)
    monkeypatch.delenv("TONGBAN_LICENCE_KEK")
    old = signing.kek_material()
    monkeypatch.setenv("TONGBAN_LICENCE_KEK", "a-new-key-encryption-key")
    assert signing.keys_rewrap(old) == 1
    key.refresh_from_db()
    assert signing.private_hex(key) == secret


def test_a_changed_field_in_the_database_shows_as_forged(issue, client):
    licence = issue()
    payload = dict(licence.payload)
    payload["fields"] = [dict(f, value="篡改的项目") if f["key"] == "project_name" else f for f in payload["fields"]]
    Licence.objects.filter(pk=licence.pk).update(payload=payload)
    licence.refresh_from_db()
    assert signing.verify_licence(licence).result == signing.FORGED
    page = client.get(f"/licences/check/{licence.verify_code}/").content.decode()
    assert "验证未通过" in page and "篡改的项目" not in page


def test_a_changed_validity_column_shows_as_forged(issue):
    licence = issue()
    Licence.objects.filter(pk=licence.pk).update(valid_until=D(2099, 1, 1))
    licence.refresh_from_db()
    v = signing.verify_licence(licence)
    assert v.result == signing.FORGED and "valid_until" in v.problems


def test_revocation_needs_a_reason_happens_once_and_tells_the_holder(
    issue, approver, enterprise_user, django_capture_on_commit_callbacks, client
):
    licence = issue()
    with pytest.raises(ValidationError):
        services.licence_revoke(actor=approver, licence_id=licence.pk, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.licence_revoke(actor=approver, licence_id=licence.pk, reason="以欺骗手段取得许可")
    licence.refresh_from_db()
    assert licence.status == Status.REVOKED and licence.revoked_by == approver
    with pytest.raises(Conflict):
        services.licence_revoke(actor=approver, licence_id=licence.pk, reason="再次")
    assert Notification.objects.filter(recipient=enterprise_user, title__contains="证照已注销").exists()
    assert AuditEvent.objects.filter(action="licence.revoke").count() == 1
    page = client.get(f"/licences/check/{licence.verify_code}/").content.decode()
    assert "证照已注销" in page and "以欺骗手段取得许可" in page


def test_only_staff_with_the_permission_and_in_scope_may_revoke(issue, clerk, approver_b, enterprise_user):
    licence = issue()
    with pytest.raises(PermissionDenied):
        services.licence_revoke(actor=clerk, licence_id=licence.pk, reason="x")
    with pytest.raises(Http404):
        services.licence_revoke(actor=approver_b, licence_id=licence.pk, reason="x")
    with pytest.raises(PermissionDenied):
        services.licence_revoke(actor=enterprise_user, licence_id=licence.pk, reason="x")
    licence.refresh_from_db()
    assert licence.status == Status.VALID


def test_expiry_is_live_and_the_sweep_marks_and_tells_once(issue, pin_today, enterprise_user, client,
                                                          django_capture_on_commit_callbacks):
    pin_today(D(2024, 1, 10))
    licence = issue()  # valid to 2026-01-09
    pin_today(D(2026, 1, 9))
    assert signing.verify_licence(licence).result == Status.VALID
    pin_today(D(2026, 1, 10))
    assert signing.verify_licence(licence).result == Status.EXPIRED
    assert "证照已过期" in client.get(f"/licences/check/{licence.verify_code}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_due() == 1
        assert services.expire_due() == 0
    licence.refresh_from_db()
    assert licence.status == Status.EXPIRED
    assert Notification.objects.filter(recipient=enterprise_user, title__contains="已过期").count() == 1


def test_the_public_page_shows_only_what_the_holder_made_public(issue, enterprise_user, client):
    licence = issue(address="郑州市郑东新区秘密路 1 号")
    page = client.get(f"/licences/check/{licence.verify_code}/").content.decode()
    assert "证照有效" in page and "龙湖里住宅小区" in page and "秘密路" not in page and "X-1" not in page
    services.licence_set_public_fields(actor=enterprise_user, licence_id=licence.pk, keys=["address"])
    page = client.get(f"/licences/check/{licence.verify_code}/").content.decode()
    assert "秘密路" in page and "龙湖里住宅小区" not in page
    assert client.get("/licences/check/not-a-real-code/").status_code == 404


def test_holder_alone_chooses_public_fields(issue, approver, other_enterprise_user):
    licence = issue()
    with pytest.raises(PermissionDenied):
        services.licence_set_public_fields(actor=approver, licence_id=licence.pk, keys=[])
    with pytest.raises(Http404):
        services.licence_set_public_fields(actor=other_enterprise_user, licence_id=licence.pk, keys=[])


def test_pdf_shows_the_fields_and_a_qr_and_carries_the_signed_data(issue, client):
    from pypdf import PdfReader

    from tongban.catalog.documents import find_cjk_font

    if find_cjk_font() is None:
        pytest.skip("no CJK font installed")
    licence = issue()
    body = documents.render_pdf(licence)
    reader = PdfReader(io.BytesIO(body))
    text = reader.pages[0].extract_text().replace("\x00", "")
    assert "人防工程建设审批意见书" in text and licence.number in text and "龙湖里住宅小区" in text
    assert reader.pages[0].images, "the QR code image is on the page"
    embedded = json.loads(reader.attachments["licence.json"][0])
    assert embedded["payload"] == licence.payload and embedded["verify_url"].endswith(f"/licences/check/{licence.verify_code}/")
    # Uploading the PDF verifies it; a JSON export with a changed field is forged.
    upload = SimpleUploadedFile("证照.pdf", body, content_type="application/pdf")
    page = client.post("/licences/verify/", {"file": upload})
    assert page.status_code == 200 and "证照有效" in page.content.decode()
    embedded["payload"]["holder"]["name"] = "别的公司"
    upload = SimpleUploadedFile("证照.json", json.dumps(embedded, ensure_ascii=False).encode(), content_type="application/json")
    page = client.post("/licences/verify/", {"file": upload}).content.decode()
    assert "验证未通过" in page and "别的公司" not in page


def test_an_upload_that_is_not_a_licence_is_refused_clearly(client):
    upload = SimpleUploadedFile("x.txt", b"hello", content_type="text/plain")
    response = client.post("/licences/verify/", {"file": upload})
    assert response.status_code == 400 and "无法识别" in response.content.decode()


def test_the_exported_payload_verifies_with_the_published_key(issue, client, tmp_path):
    import shutil
    import subprocess

    licence = issue()
    pem = client.get(f"/licences/keys/{licence.key.key_id}.pem")
    assert pem.status_code == 200 and b"BEGIN PUBLIC KEY" in pem.content
    assert client.get(f"/licences/keys/org/{licence.issuer.code}.pem").content == pem.content
    export = signing.export(licence)
    message = signing.canonical(export["payload"])
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not installed")
    (tmp_path / "pub.pem").write_bytes(pem.content)
    (tmp_path / "payload.json").write_bytes(message)
    import base64

    (tmp_path / "sig.der").write_bytes(base64.b64decode(export["signature"]))
    done = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3",
                           "-in", "payload.json", "-sigfile", "sig.der", "-pkeyopt", "distid:1234567812345678"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_canonical_payload_is_sorted_compact_utf8(issue):
    licence = issue()
    text = signing.canonical(licence.payload).decode("utf-8")
    assert text.startswith('{"fields":[') and ", " not in text and "人防工程建设审批意见书" in text
    assert json.loads(text) == licence.payload
