"""What the demo shows must be true (issue 14, items 6 and 9), checked on the demo data itself:
the inbox totals and badges are those of the rows listed; demo cases carry their real, past
submission times, consistent with their dates; the demo enterprise's profile agrees with its own
applications."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.core import inbox
from tongban.core.timeutil import today

from .factories import demo_loaded


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    with demo_loaded(django_db_blocker, tmp_path_factory, "truth-attachments"):
        yield


@pytest.fixture
def _attachments_in_tmp():
    """The demo's uploads live in the module's directory."""


def _page(username: str, url: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _stat(page: str, label: str) -> int:
    match = re.search(rf'{label}</div><div class="display-6[^"]*">(\d+)</div>', page)
    assert match, label
    return int(match.group(1))


# --- item 6: counters agree with their rows ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["zz_clerk", "zz_approver", "admin", "zz_reviewer"])
def test_inbox_totals_and_badges_are_those_of_the_rows_listed(demo_data, username):
    page = _page(username, "/workspace/")
    rows = page.count('class="list-group-item list-group-item-action')
    assert rows > 0  # the demo gives each of these personas work
    assert _stat(page, "待办总数") == rows
    assert _stat(page, "红牌超期") == page.count('class="badge warn-red"')
    assert _stat(page, "黄牌预警") == page.count('class="badge warn-yellow"')


@pytest.mark.django_db
def test_the_demo_lists_the_rows_that_used_to_be_left_uncounted(demo_data):
    """A concluded case red on its delivery step, an appeal of a rating awaiting the approver and
    an unanswered press are each listed with a badge; their counters count them."""
    clerk, approver = User.objects.get(username="zz_clerk"), User.objects.get(username="zz_approver")
    providers = {i.provider for i in inbox.items_for(clerk) if i.warning}
    assert {"cases", "supervision"} <= providers
    assert any(i.provider == "reviews" and i.warning == "yellow" for i in inbox.items_for(approver))


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["zz_clerk", "zz_approver", "zz_reviewer", "admin", "js_clerk", "ly_clerk"])
def test_every_counter_counts_exactly_its_providers_rows(demo_data, username):
    actor = User.objects.get(username=username)
    items = inbox.items_for(actor)
    for name, counter in inbox._counters.items():
        mine = [i for i in items if i.provider == name]
        expected = {
            "total": len(mine),
            "red": sum(i.warning == "red" for i in mine),
            "yellow": sum(i.warning == "yellow" for i in mine),
        }
        assert {k: counter(actor).get(k, 0) for k in expected} == expected, name


# --- item 9: dates are true ---------------------------------------------------------------------


@pytest.mark.django_db
def test_no_demo_case_is_submitted_after_its_own_dates(demo_data):
    from django.utils import timezone

    cases = Case.objects.filter(submission_key__startswith="demo-")
    assert cases.count() >= 10
    for case in cases:
        submitted = timezone.localtime(case.submitted_at).date()
        assert submitted <= today(), case.number
        for day in (case.received_on, case.accepted_on, case.promised_due, case.concluded_on,
                    case.delivered_on):
            if day is not None:
                assert submitted <= day, (case.number, submitted, day)
        moments = list(case.transitions.order_by("id").values_list("at", flat=True))
        assert moments == sorted(moments), case.number  # the timeline reads in order
        assert all(case.submitted_at <= m <= timezone.now() for m in moments), case.number


@pytest.mark.django_db
def test_my_cases_shows_distinct_past_submission_times(demo_data):
    page = _page("ent_zzcj", "/cases/mine/")
    times = re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", page)
    mine = Case.objects.filter(applicant__username="ent_zzcj").count()
    assert len(times) == mine and len(set(times)) == mine
    assert min(times) < today().isoformat()  # not all at the moment the demo was loaded


@pytest.mark.django_db
def test_demo_enterprise_profile_agrees_with_its_applications(demo_data):
    from tongban.policies.models import EnterpriseProfile

    user = User.objects.get(username="ent_zzcj")
    profile = EnterpriseProfile.objects.get(enterprise__uscc=user.enterprise.uscc)
    applied = {c.project_name for c in Case.objects.filter(applicant=user)}
    projects = list(profile.projects.all())
    assert projects
    for project in projects:
        assert project.name in applied
    # The guide's filled-in example form is the same project, of the same size.
    from tongban.catalog.demo import APPLY_FORM

    flagship = next(p for p in projects if p.name == "郑东新区龙湖里住宅小区二期")
    assert flagship.use == "residential"
    assert "地上总建筑面积（㎡）=86,500" in APPLY_FORM and flagship.total_floor_area_cm2 == 86_500_00
