"""Two-factor login for staff who decide or administer: enrolment with recovery codes, the
verification step after the password, and the refusal of everything else until then."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts import twofactor
from tongban.accounts.models import Role
from tongban.core.models import AuditEvent

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(city_a):
    return StaffFactory(username="leader", organisation=city_a, roles=[Role.APPROVER])


@pytest.fixture(autouse=True)
def no_throttle(settings):
    # django-otp slows down retries after a wrong code; these tests retry at once on purpose.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def required(settings):
    settings.TONGBAN_REQUIRE_2FA = True


def test_an_approver_must_enrol_before_reaching_the_workspace(client, approver, required):
    client.force_login(approver)
    response = client.get("/workspace/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/setup/")
    assert client.get("/api/v1/accounts/me").status_code in (200, 401, 403)  # the API has its own auth
    page = client.get(response["Location"])
    assert "设置两步验证" in page.content.decode() and 'src="data:image/svg+xml' in page.content.decode()

    wrong = client.post("/accounts/2fa/setup/", {"token": "000000", "next": "/workspace/"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=approver, confirmed=False)
    response = client.post("/accounts/2fa/setup/", {"token": twofactor.current_token(device), "next": "/workspace/"})
    assert response.status_code == 302
    codes_page = client.get(response["Location"]).content.decode()
    assert "恢复码" in codes_page and codes_page.count('font-monospace') == 1
    assert client.get("/workspace/").status_code == 200
    assert AuditEvent.objects.filter(action="2fa.enrolled", actor_repr="leader").exists()


def test_after_the_password_the_code_is_asked_and_a_recovery_code_works_once(client, approver, required):
    device = TOTPDevice.objects.create(user=approver, name="x", confirmed=True)
    codes = twofactor.regenerate_recovery_codes(approver)
    client.force_login(approver)
    response = client.get("/cases/")
    assert response["Location"].startswith("/accounts/2fa/verify/?next=/cases/")
    assert client.post("/accounts/2fa/verify/", {"token": "123456"}).status_code == 400
    assert AuditEvent.objects.filter(action="2fa.failed").exists()
    response = client.post("/accounts/2fa/verify/", {"token": codes[0], "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    client.logout()
    client.force_login(approver)
    assert client.post("/accounts/2fa/verify/", {"token": codes[0]}).status_code == 400  # used up
    assert client.post("/accounts/2fa/verify/", {"token": twofactor.current_token(device), "next": "/cases/"}).status_code == 302


def test_clerks_are_not_forced_but_enrolled_users_always_verify(client, clerk_a, approver):
    client.force_login(clerk_a)
    assert client.get("/workspace/").status_code == 200
    client.force_login(approver)  # TONGBAN_REQUIRE_2FA is off outside production
    assert client.get("/workspace/").status_code == 200
    TOTPDevice.objects.create(user=approver, name="x", confirmed=True)
    client.force_login(approver)
    assert client.get("/workspace/")["Location"].startswith("/accounts/2fa/verify/")


def test_a_redirect_target_outside_the_site_is_ignored(client, approver, required):
    device = TOTPDevice.objects.create(user=approver, name="x", confirmed=True)
    client.force_login(approver)
    response = client.post("/accounts/2fa/verify/", {"token": twofactor.current_token(device), "next": "https://evil.example/"})
    assert response["Location"] == "/accounts/me/"
