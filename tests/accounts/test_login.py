import pytest
from django.test import override_settings

from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


PASSWORD = "Secret-pass-123"


def login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_staff_login_lands_in_the_workspace_and_is_audited(client, clerk_a):
    response = login(client, "clerk_a")
    assert response.status_code == 302
    follow = client.get(response["Location"], follow=True)
    assert follow.redirect_chain[-1][0] == "/workspace/"
    assert "我的待办" in follow.content.decode()
    assert AuditEvent.objects.filter(action="auth.login", actor_repr="clerk_a").exists()


def test_applicant_login_lands_on_the_portal(client, citizen):
    response = login(client, "citizen1")
    follow = client.get(response["Location"], follow=True)
    assert follow.redirect_chain[-1][0] == "/"


def test_failed_login_shows_a_chinese_message_and_is_audited(client, clerk_a):
    response = login(client, "clerk_a", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_repr == "clerk_a"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_with_the_right_password(client, clerk_a):
    for _ in range(3):
        login(client, "clerk_a", "wrong-password")
    response = login(client, "clerk_a")
    assert response.status_code == 429
    assert "暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_requires_post_and_ends_the_session(client, clerk_a):
    client.force_login(clerk_a)
    client.post("/accounts/logout/")
    assert client.get("/workspace/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout").exists()


def test_language_switch_to_english(client, clerk_a):
    client.force_login(clerk_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/workspace/"})
    page = client.get("/workspace/").content.decode()
    assert 'lang="en"' in page
