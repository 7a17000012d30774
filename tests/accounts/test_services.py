import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.accounts import services
from tongban.accounts.models import ApiToken, Organisation, Role, User
from tongban.core.models import AuditEvent
from tongban.core.validators import make_citizen_id

pytestmark = pytest.mark.django_db


def test_organisation_tree_paths_allow_subtree_queries(admin_p, province):
    city = services.organisation_create(
        actor=admin_p,
        parent=province,
        name="丙市人防办",
        kind="agency",
        level="city",
        division_code="410500",
        code="C-BING",
    )
    county = services.organisation_create(
        actor=admin_p,
        parent=city,
        name="丙县人防办",
        kind="agency",
        level="county",
        division_code="410522",
        code="C-BING-1",
    )
    assert county.path.startswith(city.path) and city.path.startswith(province.path)
    assert county.depth == 2
    assert county.agency() == county
    assert set(Organisation.objects.filter(path__startswith=city.path)) == {city, county}


def test_invalid_division_code_is_refused_with_a_message(admin_p, province):
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(
            actor=admin_p,
            parent=province,
            name="坏机构",
            kind="agency",
            level="city",
            division_code="41A5",
            code="BAD",
        )
    assert "6 位数字" in str(exc.value)
    assert not Organisation.objects.filter(code="BAD").exists()


def test_duplicate_username_is_refused(admin_a, city_a, clerk_a):
    with pytest.raises(ValidationError) as exc:
        services.staff_user_create(
            actor=admin_a, username="clerk_a", real_name="重复", organisation=city_a, roles=[]
        )
    assert "已存在" in str(exc.value)


def test_created_staff_user_can_log_in_with_the_generated_password(client, admin_a, city_a):
    user, password = services.staff_user_create(
        actor=admin_a,
        username="newclerk",
        real_name="新窗口",
        organisation=city_a,
        roles=[Role.CLERK],
    )
    assert user.has_role(Role.CLERK)
    response = client.post("/accounts/login/", {"username": "newclerk", "password": password})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_non_admin_cannot_grant_admin(supervisor_a, clerk_a):
    with pytest.raises(PermissionDenied):
        services.user_set_roles(actor=supervisor_a, user=clerk_a, roles=[Role.ADMIN])
    assert not clerk_a.has_role(Role.ADMIN)


def test_admin_cannot_lock_themselves_out(admin_a):
    with pytest.raises(ValidationError):
        services.user_set_roles(actor=admin_a, user=admin_a, roles=[])
    with pytest.raises(ValidationError):
        services.user_set_active(actor=admin_a, user=admin_a, active=False)


def test_citizen_needs_a_valid_id_number():
    valid = make_citizen_id("410102", dt.date(1990, 1, 1), 123)
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        services.applicant_user_create(
            username="p1", password="x" * 12, real_name="王", citizen_id=wrong
        )
    assert "校验位" in str(exc.value)
    assert not User.objects.filter(username="p1").exists()


def test_enterprise_needs_a_valid_uscc():
    with pytest.raises(ValidationError):
        services.enterprise_register(uscc="91410100MA00000000", name="假企业")


def test_api_token_authenticates_integration_user_until_revoked(client, admin_a, city_a):
    integ = User.objects.create(username="sys_a", kind=User.Kind.INTEGRATION, organisation=city_a)
    token, raw = services.api_token_issue(actor=admin_a, user=integ, name="12345 热线对接")
    assert ApiToken.objects.get(pk=token.pk).digest != raw  # only the hash is kept
    headers = {"Authorization": f"Bearer {raw}"}
    me = client.get("/api/v1/accounts/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["username"] == "sys_a"
    services.api_token_revoke(actor=admin_a, token=token)
    refused = client.get("/api/v1/accounts/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthenticated"


def test_tokens_are_only_for_integration_users(admin_a, clerk_a):
    with pytest.raises(ValidationError):
        services.api_token_issue(actor=admin_a, user=clerk_a, name="x")


def test_other_citys_admin_cannot_issue_a_token(admin_b, city_a):
    integ = User.objects.create(username="sys_a", kind=User.Kind.INTEGRATION, organisation=city_a)
    with pytest.raises(ValidationError):
        services.api_token_issue(actor=admin_b, user=integ, name="越权")
    assert not ApiToken.objects.exists()


def test_token_page_issues_shows_once_and_revokes(client, admin_a, city_a):
    client.force_login(admin_a)
    client.post(
        "/accounts/staff/tokens/",
        {"username": "hotline_a", "name": "12345 热线", "organisation": city_a.pk},
    )
    account = User.objects.get(username="hotline_a", kind=User.Kind.INTEGRATION)
    response = client.post(
        f"/accounts/staff/tokens/{account.pk}/issue/", {"name": "工单同步"}, follow=True
    )
    page = response.content.decode()
    raw = page.split("新令牌（只显示这一次，请立即妥善保存）：")[1].split("<")[0].strip()
    assert raw.startswith("tb_")
    assert client.get("/accounts/staff/tokens/").content.decode().count(raw) == 0
    token = ApiToken.objects.get(user=account)
    client.post(f"/accounts/staff/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_of_another_city_cannot_be_revoked(client, admin_b, admin_a, city_a):
    integ = User.objects.create(username="sys_a", kind=User.Kind.INTEGRATION, organisation=city_a)
    token, _raw = services.api_token_issue(actor=admin_a, user=integ, name="x")
    client.force_login(admin_b)
    assert client.post(f"/accounts/staff/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
