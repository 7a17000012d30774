"""Two-factor login holds on the API (issue 13 item 5): a password-only session of a role that
must use it is refused on every /api/v1/ operation, as the pages redirect it; tokens are unaffected."""

import json

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts import services as account_services
from tongban.accounts import twofactor
from tongban.accounts.models import Role, User
from tongban.cases import services
from tongban.cases.models import Case, Status

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db

MESSAGE = "两步验证"


@pytest.fixture
def required(settings):
    settings.TONGBAN_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def in_review(submit, clerk, reviewer):
    case = submit()
    services.case_accept(actor=clerk, case_id=case.pk)
    services.case_submit_review(actor=reviewer, case_id=case.pk, opinion="符合条件", recommend="approve")
    return case


def decide(client, case, **extra):
    return client.post(f"/api/v1/cases/{case.pk}/decide", json.dumps({"decision": "approve", "reasons": ""}),
                       content_type="application/json", **extra)


def test_a_password_only_approver_session_cannot_decide_or_read_through_the_api(client, approver, in_review, required):
    client.force_login(approver)
    response = decide(client, in_review)
    assert response.status_code == 403 and MESSAGE in response.json()["message"]
    assert Case.objects.get(pk=in_review.pk).status == Status.DECISION  # nothing changed
    listed = client.get("/api/v1/cases/")
    assert listed.status_code == 403 and MESSAGE in listed.json()["message"]
    # also operations open to the public, and with a made-up token beside the session
    assert client.get("/api/v1/cases/progress", {"number": "x", "code": "y"}).status_code == 403
    bogus = decide(client, in_review, headers={"Authorization": "Bearer tb_forged"})
    assert bogus.status_code == 403 and MESSAGE in bogus.json()["message"]
    assert Case.objects.get(pk=in_review.pk).status == Status.DECISION


def test_after_the_code_is_verified_the_session_works(client, approver, in_review, required):
    device = TOTPDevice.objects.create(user=approver, name="x", confirmed=True)
    client.force_login(approver)
    assert client.get("/api/v1/cases/").status_code == 403
    assert client.post("/accounts/2fa/verify/", {"token": twofactor.current_token(device)}).status_code == 302
    assert client.get("/api/v1/cases/").status_code == 200
    response = decide(client, in_review)
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=in_review.pk).status == Status.CONCLUDED


def test_clerks_are_not_held(client, clerk, required):
    client.force_login(clerk)
    assert client.get("/api/v1/cases/").status_code == 200


def test_an_integration_token_is_unaffected(client, city_a, in_review, required):
    admin = StaffFactory(username="c_admin", organisation=city_a, roles=[Role.ADMIN])
    integ = User.objects.create(username="sys_c", kind=User.Kind.INTEGRATION, organisation=city_a)
    _token, raw = account_services.api_token_issue(actor=admin, user=integ, name="对接")
    response = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json()["username"] == "sys_c"
    # even from a browser that also carries an unverified approver's session
    client.force_login(admin)
    assert client.get("/api/v1/accounts/me").status_code == 403
    assert client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
