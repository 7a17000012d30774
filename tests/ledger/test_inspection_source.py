"""从检查结果转为整改问题: an inspection result with findings, picked from the inspections module,
becomes a ledger problem linked to it; the chooser offers only in-scope results with findings."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from tongban.ledger import selectors, services
from tongban.ledger.models import Problem, SourceKind

from ..factories import OrganisationFactory
from .factories import inspection_results, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(city_a, pin_today):
    pin_today(dt.date(2026, 3, 2))
    return world(city_a)


@pytest.fixture
def results(w):
    return inspection_results(w.city, classes=("rectify", "no_issue", "handed_over"))


def test_the_chooser_offers_only_results_with_findings_in_scope(w, results, city_b):
    elsewhere = inspection_results(OrganisationFactory(name="另一市人防办", parent=city_b), classes=("rectify",))
    offered = {r.pk for r in selectors.inspection_results(w.office, w.campaign)}
    rectify, no_issue, handed = results
    assert offered == {rectify.pk, handed.pk}
    assert no_issue.pk not in offered and elsewhere[0].pk not in offered
    # Staff without inspections' view right (a unit's clerk) are offered nothing.
    assert not list(selectors.inspection_results(w.clerk, w.campaign))


def test_conversion_creates_one_problem_linked_to_the_result(w, results):
    rectify = results[0]
    p = services.problem_from_result(actor=w.office, campaign_id=w.campaign.pk, result_id=rectify.pk)
    assert (p.source_kind, p.source_result_id, p.source_ref) == (SourceKind.INSPECTION, rectify.pk, rectify.number)
    assert "防护门锈蚀" in p.title and "三十日内修复防护门" in p.description
    assert p.possible_duplicate_of is None
    assert Problem.objects.filter(source_result=rectify).count() == 1
    assert [r.listed_as for r in selectors.inspection_results(w.office, w.campaign) if r.pk == rectify.pk] == [p.number]


def test_a_second_conversion_of_the_same_result_is_flagged_as_a_duplicate(w, results):
    first = services.problem_from_result(actor=w.office, campaign_id=w.campaign.pk, result_id=results[0].pk)
    again = services.problem_from_result(actor=w.office, campaign_id=w.campaign.pk, result_id=results[0].pk)
    assert again.pk != first.pk
    assert (again.possible_duplicate_of_id, str(again.duplicate_score)) == (first.pk, "1.00")


def test_a_result_without_findings_or_out_of_scope_is_refused_and_nothing_listed(w, results, city_b):
    elsewhere = inspection_results(OrganisationFactory(name="另一市人防办", parent=city_b), classes=("rectify",))
    before = Problem.objects.count()
    for result in (results[1], elsewhere[0]):
        with pytest.raises(Http404):
            services.problem_from_result(actor=w.office, campaign_id=w.campaign.pk, result_id=result.pk)
        with pytest.raises(ValidationError, match="检查未发现问题"):
            services.problem_create(actor=w.office, campaign_id=w.campaign.pk, title="检查发现", source_kind="inspection",
                                    source_result_id=result.pk)
    assert Problem.objects.count() == before


def test_the_problem_form_picks_a_result_and_the_page_converts_in_one_click(w, results, client):
    client.force_login(w.office)
    board = client.get(f"/ledger/campaign/{w.campaign.pk}/").content.decode()
    assert results[0].number in board and results[1].number not in board
    client.post(f"/ledger/campaign/{w.campaign.pk}/act/problem/", {
        "title": "防护门锈蚀", "source_kind": "inspection", "source_result": results[0].pk})
    p = Problem.objects.get(source_result=results[0])
    assert (p.source_kind, p.source_ref) == (SourceKind.INSPECTION, results[0].number)
    page = client.get(f"/ledger/campaign/{w.campaign.pk}/inspection-results/").content.decode()
    assert "从检查结果转为整改问题" in page and results[2].number in page and results[1].number not in page
    assert p.number in page  # the result already listed shows its problem
    r = client.post("/ledger/convert/", {"kind": "result", "id": results[2].pk, "campaign": w.campaign.pk})
    made = Problem.objects.get(source_result=results[2])
    assert r.status_code == 302 and r["Location"] == f"/ledger/problem/{made.pk}/"


def test_the_results_page_is_for_the_lead_office_only(w, results, client):
    client.force_login(w.clerk)
    assert client.get(f"/ledger/campaign/{w.campaign.pk}/inspection-results/").status_code in (403, 404)


def test_the_results_page_query_count_does_not_grow_with_rows(w, client, city_a):
    inspection_results(w.city, classes=("rectify",))
    client.force_login(w.office)
    url = f"/ledger/campaign/{w.campaign.pk}/inspection-results/"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200  # warm: the first page after login saves the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    inspection_results(OrganisationFactory(name="下属站", parent=city_a), classes=("rectify", "handed_over"))
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(three) == len(one)
