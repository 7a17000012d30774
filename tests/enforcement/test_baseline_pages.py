"""The legal office's pages for the discretion baselines: the list of baselines with each
version's state, a new version as a draft, the draft editor (violations, circumstances, bands;
refused input keeps what was typed and changes nothing), publication with an effective date, and
the day the successor takes effect: the replaced version shows 已废止 on the staff and portal
pages at once, and the daily sweep stores it."""

import datetime as dt

import pytest
from django.urls import reverse

from tongban.accounts.models import Role
from tongban.enforcement.models import Baseline, BaselineClause, BaselineItem
from tongban.enforcement.tasks import baseline_sweep

from ..factories import StaffFactory
from .conftest import DAY0

pytestmark = pytest.mark.django_db

ITEM = {"action": "item", "code": "RF-09", "violation": "未按规定报批人防工程", "scheme": "range",
        "violated_provision": "《人民防空法》第二十二条", "penalty_provision": "《人民防空法》第四十八条",
        "min_yuan": "1000", "max_yuan": "5000"}


@pytest.fixture
def legal(city_a):
    return StaffFactory(username="p_legal", organisation=city_a, roles=[Role.LEGAL_REVIEWER])


@pytest.fixture
def draft(client, today, baseline, legal):
    client.force_login(legal)
    response = client.post(reverse("enforcement:baseline", args=[baseline.pk]), {"action": "new_version"})
    draft = Baseline.objects.get(code=baseline.code, version=2)
    assert response.status_code == 302 and response["Location"] == reverse("enforcement:baseline", args=[draft.pk])
    return draft


def _page(client, baseline, query="") -> str:
    response = client.get(reverse("enforcement:baseline", args=[baseline.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def _counts():
    return Baseline.objects.count(), BaselineItem.objects.count(), BaselineClause.objects.count()


def test_the_legal_office_finds_the_baselines_in_its_menu_with_each_versions_state(client, today, baseline, legal):
    client.force_login(legal)
    inbox = client.get(reverse("workspace:inbox")).content.decode()
    assert reverse("enforcement:baselines") in inbox
    page = client.get(reverse("enforcement:baselines")).content.decode()
    assert "T-RF v1" in page and "施行中" in page and "以第1版新建版本" in page


def test_other_roles_and_other_jurisdictions_are_refused(client, today, baseline, city_a, city_b):
    client.force_login(StaffFactory(username="p_off", organisation=city_a, roles=[Role.INSPECTOR]))
    assert client.get(reverse("enforcement:baselines")).status_code == 403
    assert client.get(reverse("enforcement:baseline", args=[baseline.pk])).status_code == 403
    client.force_login(StaffFactory(username="p_out", organisation=city_b, roles=[Role.LEGAL_REVIEWER]))
    assert "T-RF" not in client.get(reverse("enforcement:baselines")).content.decode()
    assert client.get(reverse("enforcement:baseline", args=[baseline.pk])).status_code == 404
    before = _counts()
    assert client.post(reverse("enforcement:baseline", args=[baseline.pk]), {"action": "new_version"}).status_code == 404
    assert _counts() == before


def test_a_new_version_opens_as_a_draft_copy_and_the_list_offers_to_edit_it(client, draft, baseline):
    page = _page(client, draft)
    assert "草稿" in page and "RF-01" in page and "R-HE" in page and "添加违法行为" in page and "公布" in page
    assert draft.items.count() == 2
    listing = client.get(reverse("enforcement:baselines")).content.decode()
    assert "编辑草稿 T-RF v2" in listing and "以第1版新建版本" not in listing
    # the published version's page points to the draft instead of offering a second one
    assert "编辑草稿 T-RF v2" in _page(client, baseline)


def test_refused_input_is_a_400_that_keeps_what_was_typed_and_changes_nothing(client, draft):
    before = _counts()
    response = client.post(reverse("enforcement:baseline", args=[draft.pk]), {**ITEM, "min_yuan": "9000"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "最低罚款不能高于最高罚款" in page and 'value="未按规定报批人防工程"' in page and 'value="9000"' in page
    response = client.post(reverse("enforcement:baseline", args=[draft.pk]), {**ITEM, "penalty_provision": ""})
    assert response.status_code == 400 and "第四条" in response.content.decode()
    assert _counts() == before


def test_a_violation_with_its_circumstances_is_added_edited_and_deleted(client, draft):
    url = reverse("enforcement:baseline", args=[draft.pk])
    assert client.post(url, ITEM).status_code == 302
    item = draft.items.get(code="RF-09")
    assert (item.min_fen, item.max_fen) == (1000_00, 5000_00)
    clause = {"action": "clause", "item_id": item.pk, "code": "9-GE", "circumstance": "general",
              "condition": "无从轻、从重情节", "penalty_kind": "fine", "low_pct": "40", "high_pct": "60"}
    assert client.post(url, clause).status_code == 302
    assert "¥2,600 — ¥3,400" in _page(client, draft)  # 40–60 % of the way from ¥1,000 to ¥5,000
    response = client.post(url, {**clause, "code": "9-HE", "circumstance": "heavier", "low_pct": "90",
                                 "high_pct": "120"})
    assert response.status_code == 400 and "0% 至 100%" in response.content.decode()
    assert 'value="9-HE"' in response.content.decode() and not item.clauses.filter(code="9-HE").exists()
    # editing opens the form filled with the stored values
    c = item.clauses.get(code="9-GE")
    page = _page(client, draft, f"?edit=clause-{item.pk}-{c.pk}")
    assert 'value="无从轻、从重情节"' not in page and "无从轻、从重情节</textarea>" in page
    assert client.post(url, {**clause, "clause_id": c.pk, "high_pct": "70"}).status_code == 302
    assert str(item.clauses.get(code="9-GE").high_pct) == "70.00"
    page = _page(client, draft, f"?edit=item-{item.pk}")
    assert 'value="5000"' in page
    assert client.post(url, {**ITEM, "item_id": item.pk, "max_yuan": "8000"}).status_code == 302
    assert draft.items.get(code="RF-09").max_fen == 8000_00
    assert client.post(url, {"action": "clause_delete", "clause_id": c.pk}).status_code == 302
    assert not item.clauses.exists()
    assert client.post(url, {"action": "item_delete", "item_id": item.pk}).status_code == 302
    assert not draft.items.filter(code="RF-09").exists()


def test_a_published_version_is_read_only(client, draft, baseline):
    page = _page(client, baseline)
    assert "添加违法行为" not in page and "?edit=" not in page and "不得修改" in page
    before = _counts(), list(BaselineItem.objects.filter(baseline=baseline).values_list("max_fen", flat=True))
    item = baseline.items.get(code="RF-01")
    response = client.post(reverse("enforcement:baseline", args=[baseline.pk]),
                           {**ITEM, "item_id": item.pk, "code": "RF-01", "max_yuan": "1"}, follow=True)
    assert "公布的裁量基准不得修改" in response.content.decode()
    assert (_counts(), list(BaselineItem.objects.filter(baseline=baseline).values_list("max_fen", flat=True))) == before


def test_publishing_for_a_later_date_then_the_day_it_takes_effect(client, draft, baseline, today):
    url = reverse("enforcement:baseline", args=[draft.pk])
    response = client.post(url, {"action": "publish", "effective_from": "2026-03-31"})
    assert response.status_code == 400 and "不溯及既往" in response.content.decode()
    assert Baseline.objects.get(pk=draft.pk).status == "draft"
    assert client.post(url, {"action": "publish", "effective_from": "2026-04-15"}).status_code == 302
    listing = client.get(reverse("enforcement:baselines")).content.decode()
    assert "待施行" in listing and "施行中" in listing
    public_v2 = client.get(reverse("enforcement:public_baseline", args=[draft.pk])).content.decode()
    assert "本版本自 2026-04-15 起施行" in public_v2 and "此前适用第1版" in public_v2

    today(dt.date(2026, 4, 15))  # the successor's day: v1 is replaced before any sweep has run
    assert Baseline.objects.get(pk=baseline.pk).status == "published"
    public_v1 = client.get(reverse("enforcement:public_baseline", args=[baseline.pk])).content.decode()
    assert "已废止" in public_v1 and "现行为第2版（自 2026-04-15 起施行）" in public_v1
    public_list = client.get(reverse("enforcement:public_baselines")).content.decode()
    assert public_list.count("已废止") == 1 and public_list.count("施行中") == 1
    api = {b["version"]: b["state"] for b in client.get("/api/v1/enforcement/baselines/").json()}
    assert api == {1: "superseded", 2: "in_force"}
    assert baseline_sweep.call() == {"superseded": 1}
    assert Baseline.objects.get(pk=baseline.pk).status == "superseded"
    assert baseline_sweep.call() == {"superseded": 0}  # idempotent


def test_a_new_baseline_and_discarding_a_draft(client, today, baseline, legal, city_a):
    client.force_login(legal)
    url = reverse("enforcement:baselines")
    response = client.post(url, {"organisation": city_a.pk, "code": "T-RF", "title": "重复"})
    assert response.status_code == 400 and "请在其上新建版本" in response.content.decode()
    assert 'value="重复"' in response.content.decode()
    response = client.post(url, {"organisation": city_a.pk, "code": "T-FIRE", "title": "消防行政处罚裁量基准"})
    new = Baseline.objects.get(code="T-FIRE")
    assert response["Location"] == reverse("enforcement:baseline", args=[new.pk])
    assert (new.version, new.status) == (1, "draft")
    response = client.post(reverse("enforcement:baseline", args=[new.pk]), {"action": "publish",
                                                                           "effective_from": DAY0.isoformat()})
    assert response.status_code == 400 and "至少应有一项违法行为" in response.content.decode()
    response = client.post(reverse("enforcement:baseline", args=[new.pk]), {"action": "delete_draft"})
    assert response["Location"] == url and not Baseline.objects.filter(code="T-FIRE").exists()


def test_a_form_cannot_reach_another_versions_rows(client, draft, baseline):
    """The published version's clause, posted to the draft's page, is not found (and not deleted)."""
    clause = BaselineClause.objects.filter(item__baseline=baseline).first()
    url = reverse("enforcement:baseline", args=[draft.pk])
    assert client.post(url, {"action": "clause_delete", "clause_id": clause.pk}).status_code == 404
    assert client.post(url, {"action": "item_delete", "item_id": clause.item_id}).status_code == 404
    assert BaselineClause.objects.filter(pk=clause.pk).exists()
