"""The pages: officer list and queues with deadlines, the case page with its actions and the
reasons a decision is still blocked, the party's page (statement, hearing request, documents),
the public baselines and decisions, documents as PDF and Word."""

import datetime as dt

import pytest
from django.urls import reverse

from tongban.enforcement import services
from tongban.enforcement.models import Document, EnforcementCase, Status

from .conftest import DAY0

pytestmark = pytest.mark.django_db


def test_officer_list_and_case_page_show_deadlines_and_blockers(client, noticed, o1):
    client.force_login(o1)
    page = client.get(reverse("enforcement:list") + "?queue=mine").content.decode()
    assert noticed.number in page and "2026-06-30" in page  # the §60 deadline
    page = client.get(reverse("enforcement:detail", args=[noticed.pk])).content.decode()
    assert "第四十五条" in page and "第五十八条" in page  # still blocked: statement period, legal review
    assert "T-RF v1" in page and "R-GE" in page


def test_reviewer_queue_lists_what_awaits_review_and_the_review_form_works(client, noticed, reviewer):
    client.force_login(reviewer)
    assert noticed.number in client.get(reverse("enforcement:queue_review")).content.decode()
    response = client.post(reverse("enforcement:act", args=[noticed.pk, "legal_review"]),
                           {"opinion": "agree", "reasons": "同意", "row_version": noticed.row_version})
    assert response.status_code == 302
    assert EnforcementCase.objects.get(pk=noticed.pk).review_opinion == "agree"
    assert noticed.number not in client.get(reverse("enforcement:queue_review")).content.decode()


def test_a_refused_step_shows_the_article_and_changes_nothing(client, noticed, head, reviewer, today):
    services.legal_review(actor=reviewer, case_id=noticed.pk, opinion="agree", reasons="同意")
    client.force_login(head)
    before = EnforcementCase.objects.get(pk=noticed.pk).row_version
    response = client.post(reverse("enforcement:act", args=[noticed.pk, "decide"]), {"reasons": "x"}, follow=True)
    assert "第四十五条" in response.content.decode()
    assert EnforcementCase.objects.get(pk=noticed.pk).row_version == before


def test_head_decides_from_the_page_and_the_decision_downloads_as_pdf_and_word(client, noticed, head, reviewer, today):
    services.legal_review(actor=reviewer, case_id=noticed.pk, opinion="agree", reasons="同意")
    today(dt.date(2026, 4, 10))
    client.force_login(head)
    assert noticed.number in client.get(reverse("enforcement:queue_head")).content.decode()
    client.post(reverse("enforcement:act", args=[noticed.pk, "decide"]), {"reasons": "事实清楚"})
    case = EnforcementCase.objects.get(pk=noticed.pk)
    assert case.status == Status.DECIDED
    doc = case.documents.get(kind=Document.Kind.DECISION)
    word = client.get(reverse("enforcement:document", args=[case.pk, doc.pk, "docx"]))
    assert word.status_code == 200 and word.content[:2] == b"PK"
    pdf = client.get(reverse("enforcement:document", args=[case.pk, doc.pk, "pdf"]))
    assert pdf.status_code in (200, 503)  # 503 only where no CJK font is installed
    if pdf.status_code == 200:
        assert pdf.content.startswith(b"%PDF")


def test_every_document_kind_renders_in_word(ent_case, noticed):
    from tongban.enforcement import documents

    kinds = set(noticed.documents.values_list("kind", flat=True))
    assert {"registration", "prior_notice", "delivery"} <= kinds
    for doc in noticed.documents.all():
        assert documents.render_docx(doc)[:2] == b"PK"
        assert all(p for p in documents.paragraphs(doc))


def test_party_states_its_case_on_the_portal_and_sees_only_party_documents(client, noticed, party):
    client.force_login(party)
    home = client.get(reverse("enforcement:my_cases")).content.decode()
    assert noticed.number in home
    page = client.get(reverse("enforcement:my_case", args=[noticed.pk])).content.decode()
    assert "第四十五条" in page and "行政处罚事先告知书" in page and "立案审批表" not in page
    client.post(reverse("enforcement:my_case_act", args=[noticed.pk, "statement"]), {"content": "我公司已整改完毕"})
    assert noticed.records.filter(kind="statement", created_by=party).exists()
    internal = noticed.documents.get(kind="registration")
    assert client.get(reverse("enforcement:my_document", args=[noticed.pk, internal.pk, "docx"])).status_code == 404


def test_another_enterprise_cannot_open_the_case(client, noticed):
    from ..factories import EnterpriseUserFactory

    client.force_login(EnterpriseUserFactory(username="v_other"))
    assert client.get(reverse("enforcement:my_case", args=[noticed.pk])).status_code == 404


def test_public_pages_show_baselines_and_published_decisions_with_a_person_masked(client, person_case, investigate, o1,
                                                                                  head, maxonly, today, baseline):
    investigate(person_case)
    services.penalty_propose(actor=o1, case_id=person_case.pk, baseline_item_id=maxonly.pk, facts=["M-LI"],
                             fine_fen=200_00, procedure="summary", departure_reason="当场")
    services.case_decide(actor=head, case_id=person_case.pk)
    services.case_publish(actor=o1, case_id=person_case.pk)
    page = client.get(reverse("enforcement:public_baselines")).content.decode()
    assert "人防行政处罚裁量基准" in page
    page = client.get(reverse("enforcement:public_baseline", args=[baseline.pk])).content.decode()
    assert "¥30,000 — ¥60,000" in page  # the max-only scheme's general band, published
    page = client.get(reverse("enforcement:public_decisions")).content.decode()
    assert "张*" in page and "张明" not in page and person_case.party_id_number not in page


def test_officer_registers_a_case_from_the_form(client, today, city_a, o1, o2, enterprise_user):
    client.force_login(o1)
    assert client.get(reverse("enforcement:new")).status_code == 200
    ent = enterprise_user.enterprise
    response = client.post(reverse("enforcement:new"), {
        "organisation": city_a.pk, "source": "discovery", "party_kind": "enterprise", "party_name": ent.name,
        "party_uscc": ent.uscc, "facts": "未按规定修建防空地下室", "act_on": "2026-03-01", "officers": [o1.pk, o2.pk]})
    assert response.status_code == 302
    bad = client.post(reverse("enforcement:new"), {"organisation": city_a.pk, "party_kind": "enterprise",
                                                   "party_name": "x", "party_uscc": "123", "act_on": "2026-03-01"})
    assert bad.status_code == 400 and "统一社会信用代码" in bad.content.decode()
    assert EnforcementCase.objects.count() == 1


def test_surcharge_is_computed_on_the_page(client, noticed, head, reviewer, o1, today):
    services.legal_review(actor=reviewer, case_id=noticed.pk, opinion="agree", reasons="同意")
    today(dt.date(2026, 4, 10))
    services.case_decide(actor=head, case_id=noticed.pk)
    services.case_deliver(actor=o1, case_id=noticed.pk, delivered_on=dt.date(2026, 4, 10))
    today(dt.date(2026, 4, 27))  # two days late
    client.force_login(o1)
    page = client.get(reverse("enforcement:detail", args=[noticed.pk])).content.decode()
    assert "¥1,800" in page and "¥31,800" in page  # 3% × 2 days of ¥30,000


def test_dashboard_panel_counts_departures_and_the_share_at_proposal(noticed, head, reviewer, today):
    from tongban.enforcement.panels import enforcement_panel

    services.legal_review(actor=reviewer, case_id=noticed.pk, opinion="agree", reasons="同意")
    today(dt.date(2026, 4, 10))
    services.case_decide(actor=head, case_id=noticed.pk)
    panel = enforcement_panel(head)
    kpis = {str(k.label): k.value for k in panel.kpis}
    assert kpis["已决定"] == 1 and kpis["按基准建议决定"] == "100.0%" and kpis["偏离基准"] == 0
    assert DAY0


def test_inbox_lists_each_queue_and_counts_from_the_same_queryset(noticed, reviewer, head, o1):
    from tongban.enforcement import inbox

    for user, expected in ((reviewer, True), (o1, True), (head, False)):
        items = list(inbox.items(user))
        assert (noticed.number in {i.subtitle for i in items}) is expected, user
        assert inbox.counts(user)["total"] == len(items)


def test_party_home_card_lists_the_notified_case(noticed, party):
    from tongban.enforcement.home import waiting_cases

    section = waiting_cases(party)
    assert section.items[0].title == noticed.number and section.items[0].tone == "warn"


def test_list_page_queries_do_not_grow_with_rows(client, today, city_a, o1, o2, enterprise_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import open_case, party_enterprise

    client.force_login(o1)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("enforcement:list")).status_code == 200
        return len(ctx.captured_queries)

    open_case(o1, city_a, party_enterprise(enterprise_user.enterprise), officers=[o1, o2])
    count()  # the first page after login also refreshes the session and builds the menu
    few = count()
    for _ in range(5):
        open_case(o1, city_a, party_enterprise(enterprise_user.enterprise), officers=[o1, o2])
    assert count() == few
