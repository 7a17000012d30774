"""Walk every URL pattern anonymously: each must refuse (redirect to login, 401, 403, 405) unless
it is on the explicit public list below."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "portal:home",
    "healthz",
    "ping",
    "accounts:login",
    "set_language",
    "api-1:openapi-json",
    "api-1:openapi-view",
    "admin:login",
    "admin:logout",  # Django's admin logout answers POST only
    # Public service guides and the published catalog (tongban.catalog)
    "guides:index",
    "guides:item",
    "guides:docx",
    "guides:pdf",
    "guides:bundle",
    "guides:material-file",
    "guides:result-sample",
    "api-1:catalog_list_items",
    "api-1:catalog_get_item",
    # Appeals (有诉即办): anyone may file (anonymous with a phone, rate-limited), track with the
    # query code, search the knowledge base; Open311 clients file and query (tongban.appeals).
    # appeal_list and review_list share their URL with the submit operations; GET still says 401.
    "appeals:submit",
    "appeals:receipt",
    "appeals:track",
    "appeals:kb_search",
    "appeals:kb_article",
    "appeals:place_picker",
    "api-1:division_children",
    "open311:discovery",
    "open311:services",
    "open311:service",
    "open311:requests",
    "open311:request",
    "api-1:appeal_submit",
    "api-1:appeal_list",
    "api-1:kb_search",
    # Reviews (好差评): public results, anonymous requesters rate with the query code (tongban.reviews)
    "reviews:public",
    "reviews:public_org",
    "reviews:public_item",
    "reviews:rate_appeal_code",
    "api-1:review_submit",
    "api-1:review_list",
    "api-1:review_metrics",
    # Published policies, the policy finder and the fee calculator (tongban.policies)
    "policies:public_index",
    "policies:finder",
    "policies:public",
    "policies:fee",
    "api-1:policy_list",
    "api-1:policy_get",
    "api-1:fee_calculate",
    "api-1:fee_rules_list",
    # Progress query by case number + query code, no personal data (tongban.cases)
    "cases:progress",
    "api-1:case_public_query",
    # Licence verification (QR page, file upload, API) and published public keys (tongban.licences)
    "licences:check",
    "licences:verify",
    "licences:key_pem",
    "licences:org_key_pem",
    "api-1:licence_verify",
    # 双随机一公开: draw commitments, draws and their files, published results and exports, the
    # item list, and the notice verification page reached by the QR code (tongban.inspections)
    "inspections:public_index",
    "inspections:public_draw",
    "inspections:public_draw_file",
    "inspections:public_task",
    "inspections:public_enterprise",
    "inspections:public_export",
    "inspections:verify",
    "api-1:inspection_item_list",
    "api-1:inspection_draw_get",
    "api-1:inspection_public_results",
    # Published discretion baselines and penalty decisions (双公示, persons masked) (tongban.enforcement)
    "enforcement:public_baselines",
    "enforcement:public_baseline",
    "enforcement:public_decisions",
    "api-1:enforcement_baseline_list",
    # Credit (信用): the public query by 统一社会信用代码 (persons masked), the credit report, list
    # members and published grades (tongban.credit)
    "credit:query",
    "credit:report_pdf",
    "credit:list_public",
    "credit:grades_public",
    "api-1:credit_public_query",
    "api-1:credit_list_members",
    # Published rectification lists and the survey answer page (anonymous or invited; one sheet
    # per respondent, rate-limited) (tongban.ledger)
    "ledger:public_index",
    "ledger:public_campaign",
    "ledger:survey_answer",
}


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (namespace + p.name) if p.name else None


def concrete(route: str) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\/", "/")
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:str|slug):\w+>", "x", route)
    route = re.sub(r"<path:\w+>", "x/y", route)
    route = re.sub(r"<\w+>", "1", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"[()?*+\[\]]", "", route)
    return "/" + route


ALL = sorted({(concrete(route), name) for route, name in walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_platform_urls():
    names = {name for _, name in ALL}
    assert {"workspace:inbox", "accounts:users", "api-1:me"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "name"), ALL, ids=[u for u, _ in ALL])
def test_url_refuses_anonymous_unless_public(client, url, name):
    if name in PUBLIC:
        return
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        refused = response.status_code in (401, 403, 404, 405) or (
            response.status_code == 302 and "login" in response["Location"]
        )
        assert refused, (
            f"{method.upper()} {url} ({name}) answered {response.status_code} without login"
        )
