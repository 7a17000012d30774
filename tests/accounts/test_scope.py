"""Staff of city A cannot list, read or change city B's records, by page or by API."""

import pytest

from tongban.accounts.models import Role, StaffRole, User
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_user_list_page_shows_only_own_subtree(client, admin_a, clerk_a, clerk_b):
    client.force_login(admin_a)
    page = client.get("/accounts/staff/users/").content.decode()
    assert "clerk_a" in page
    assert "clerk_b" not in page


def test_province_admin_sees_both_cities(client, admin_p, clerk_a, clerk_b):
    client.force_login(admin_p)
    page = client.get("/accounts/staff/users/").content.decode()
    assert "clerk_a" in page and "clerk_b" in page


def test_reading_another_citys_user_is_404(client, admin_a, clerk_b):
    client.force_login(admin_a)
    assert client.get(f"/accounts/staff/users/{clerk_b.pk}/").status_code == 404


def test_changing_another_citys_user_roles_is_refused_and_changes_nothing(client, admin_a, clerk_b):
    client.force_login(admin_a)
    response = client.post(f"/accounts/staff/users/{clerk_b.pk}/roles/", {"roles": ["approver"]})
    assert response.status_code == 404
    assert set(StaffRole.objects.filter(user=clerk_b).values_list("role", flat=True)) == {
        Role.CLERK
    }


def test_deactivating_another_citys_user_is_refused(client, admin_a, clerk_b):
    client.force_login(admin_a)
    response = client.post(f"/accounts/staff/users/{clerk_b.pk}/active/", {"active": "0"})
    assert response.status_code == 404
    clerk_b.refresh_from_db()
    assert clerk_b.is_active


def test_admin_changes_roles_in_scope_and_it_is_audited(client, admin_a, clerk_a):
    client.force_login(admin_a)
    response = client.post(
        f"/accounts/staff/users/{clerk_a.pk}/roles/", {"roles": ["clerk", "reviewer"]}
    )
    assert response.status_code == 302
    assert set(StaffRole.objects.filter(user=clerk_a).values_list("role", flat=True)) == {
        "clerk",
        "reviewer",
    }
    event = AuditEvent.objects.filter(action="user.set_roles").get()
    assert event.actor_repr == "admin_a"
    assert event.changes == {"roles": [["clerk"], ["clerk", "reviewer"]]}


def test_organisation_list_is_scoped(client, admin_a, city_a, city_b, dept_a):
    client.force_login(admin_a)
    page = client.get("/accounts/staff/organisations/").content.decode()
    assert city_a.name in page and dept_a.name in page
    assert city_b.name not in page


def test_creating_an_organisation_under_another_city_is_refused(client, admin_a, city_b):
    client.force_login(admin_a)
    before = city_b.children.count()
    response = client.post(
        f"/accounts/staff/organisations/{city_b.pk}/new/",
        {
            "name": "越权处",
            "kind": "department",
            "level": "city",
            "division_code": "410300",
            "code": "X1",
        },
    )
    assert response.status_code == 404
    assert city_b.children.count() == before


def test_api_lists_only_own_subtree(client, admin_a, city_a, city_b, clerk_a, clerk_b):
    client.force_login(admin_a)
    orgs = client.get("/api/v1/accounts/organisations").json()
    assert {o["name"] for o in orgs} >= {city_a.name}
    assert city_b.name not in {o["name"] for o in orgs}
    users = client.get("/api/v1/accounts/users").json()["items"]
    usernames = {u["username"] for u in users}
    assert "clerk_a" in usernames and "clerk_b" not in usernames
    assert all("*" in u["phone_masked"] for u in users)


def test_api_reading_another_citys_organisation_is_404(client, admin_a, city_b):
    client.force_login(admin_a)
    response = client.get(f"/api/v1/accounts/organisations/{city_b.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_staff_without_the_permission_get_403_and_the_denial_is_audited(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get("/accounts/staff/users/").status_code == 403
    assert client.get("/api/v1/accounts/users").status_code == 403
    assert (
        AuditEvent.objects.filter(action="auth.permission_denied", actor_repr="clerk_a").count()
        == 2
    )


def test_applicants_cannot_enter_the_workspace(client, citizen):
    client.force_login(citizen)
    assert client.get("/workspace/").status_code == 403
    assert client.get("/api/v1/accounts/organisations").status_code == 403


def test_city_admin_cannot_grant_admin_outside_or_create_user_in_other_city(
    client, admin_a, city_b
):
    client.force_login(admin_a)
    response = client.post(
        "/accounts/staff/users/new/",
        {
            "username": "intruder",
            "real_name": "某人",
            "organisation": city_b.pk,
            "roles": ["clerk"],
        },
    )
    assert response.status_code == 200  # form redisplayed with an error
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(username="intruder").exists()


def test_city_admin_creates_a_user_in_own_city(client, admin_a, dept_a):
    client.force_login(admin_a)
    response = client.post(
        "/accounts/staff/users/new/",
        {"username": "newbie", "real_name": "新人", "organisation": dept_a.pk, "roles": ["clerk"]},
    )
    assert response.status_code == 302
    assert User.objects.get(username="newbie").organisation == dept_a
