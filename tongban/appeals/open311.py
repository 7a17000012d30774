"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/, JSON and XML.

- GET discovery.{fmt}: the service discovery document, with our jurisdiction_id.
- GET v2/services.{fmt}, v2/services/{code}.{fmt}: the active appeal categories; every one takes
  the optional attribute `publish` (the requester's consent to publication).
- POST v2/requests.{fmt}: file a request. With `api_key` (an integration token of an organisation)
  it is filed for that account; without one it is anonymous, needs a phone and is rate-limited.
  `attribute[publish]=true` publishes it; without, it stays private like any appeal.
- GET v2/requests.{fmt}, v2/requests/{id}.{fmt}: only appeals whose requesters agreed to publish
  them (from any channel), without personal data (see selectors.public_text). Any other number
  answers 404 exactly as a number that does not exist.

One jurisdiction is served: `jurisdiction_id` may be left out; another value is a 404.
XML is the JSON's tree under the Spark convention (a list becomes an element holding one
singular-named element per item); a field without a value is left out in both.
Errors follow the spec: a list of {code, description} (XML <errors><error>).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tongban.core.request_context import ip_from_request

from . import services
from .models import OPEN_STATUSES, Appeal, Category, Channel, Kind
from .routing import RateLimited
from .selectors import public_address, public_coordinate, public_text, published_appeals

MAX_LIST = 1000  # "first 1000 requests returned"
WINDOW = dt.timedelta(days=90)  # "may not span more than 90 days"; also the default window
MAX_DESCRIPTION = 4000  # the spec's limit for description
CHANGESET = "2026-12-01T00:00:00+08:00"  # bump when the service list or definitions change shape
SPEC = "http://wiki.open311.org/GeoReport_v2"

# Spark convention: the element name of the items of each list.
ITEM_TAGS = {
    "services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
    "formats": "format", "attributes": "attribute", "values": "value",
}
TRUE_VALUES, FALSE_VALUES = ("true", "1", "yes"), ("false", "0", "no")
STATUS_OPEN, STATUS_CLOSED = "open", "closed"
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # typed text may hold them; XML 1.0 may not


# --- rendering ----------------------------------------------------------------------------------


def _element(tag: str, value) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        for child in value:
            element.append(_element(ITEM_TAGS[tag], child))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = XML_ILLEGAL.sub("", str(value))
    return element


def _respond(fmt: str, root_tag: str, data, status: int = 200, headers: dict | None = None) -> HttpResponse:
    if fmt == "xml":
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(_element(root_tag, data), encoding="utf-8")
        response = HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    else:
        response = HttpResponse(json.dumps(data, ensure_ascii=False), status=status,
                                content_type="application/json; charset=utf-8")
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _error(fmt: str, status: int, description: str, headers: dict | None = None) -> HttpResponse:
    return _respond(fmt, "errors", [{"code": status, "description": description}], status, headers)


def _present(row: dict) -> dict:
    """Optional fields without a value are left out, not sent as "" or null."""
    return {key: value for key, value in row.items() if value is not None and value != ""}


# --- jurisdiction -------------------------------------------------------------------------------


def jurisdiction_id() -> str:
    """The one jurisdiction this endpoint serves: configured, or the public site's host."""
    configured = (getattr(settings, "TONGBAN_OPEN311_JURISDICTION_ID", "") or "").strip().lower()
    if configured:
        return configured
    host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    return host.removeprefix("www.")


def _wrong_jurisdiction(fmt: str, params) -> HttpResponse | None:
    given = (params.get("jurisdiction_id") or "").strip().lower()
    if given and given != jurisdiction_id():
        return _error(fmt, 404, f"jurisdiction_id “{given[:100]}” 不存在：本接口只服务 {jurisdiction_id()}。")
    return None


# --- discovery and services ---------------------------------------------------------------------


def _base_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("open311:services", kwargs={"fmt": "json"}).rsplit("/", 1)[0]


@login_not_required
@require_http_methods(["GET"])
def discovery(request, fmt: str):
    """Public on purpose: the Open311 service discovery document."""
    jid = jurisdiction_id()
    return _respond(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": "12345 政务服务便民热线；接口问题请联系平台管理员。",
        "key_service": (f"jurisdiction_id 为 {jid}（可不传）。向平台管理员申请机构对接账号的接口令牌作为 api_key；"
                        "无 api_key 时须留电话，并受频率限制。诉求默认不公开，attribute[publish]=true 表示诉求人同意公开"
                        "（不含个人信息）。"),
        "jurisdiction_id": jid,  # an extension: the spec has no field for it
        "endpoints": [{
            "specification": SPEC,
            "url": _base_url(),
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


PUBLISH_ATTRIBUTE = {
    "variable": True,
    "code": "publish",
    "datatype": "singlevaluelist",
    "required": False,
    "datatype_description": "true 或 false，默认 false",
    "order": 1,
    "description": ("诉求人是否同意公开本诉求（不含个人信息）。同意的，内容、办理状态和答复可经本接口查询，"
                    "姓名、电话、邮箱、证件号不公开，地点只到街道；不同意或不填的不公开。"),
    "values": [{"key": "false", "name": "不公开（默认）"}, {"key": "true", "name": "同意公开（不含个人信息）"}],
}


def _service(category: Category) -> dict:
    return _present({
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,  # the optional publish attribute
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.get_default_kind_display(),
    })


@login_not_required
@require_http_methods(["GET"])
def service_list(request, fmt: str):
    """Public on purpose: the Open311 service list."""
    if wrong := _wrong_jurisdiction(fmt, request.GET):
        return wrong
    return _respond(fmt, "services", [_service(c) for c in Category.objects.filter(is_active=True)])


@login_not_required
@require_http_methods(["GET"])
def service_definition(request, code: str, fmt: str):
    """Public on purpose: every category takes the one optional attribute, publish."""
    if wrong := _wrong_jurisdiction(fmt, request.GET):
        return wrong
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        return _error(fmt, 404, "service_code 不存在。")
    return _respond(fmt, "service_definition", {"service_code": category.code, "attributes": [PUBLISH_ATTRIBUTE]})


# --- requests -----------------------------------------------------------------------------------


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return dt.datetime(value.year, value.month, value.day, 23, 59, 59,
                       tzinfo=timezone.get_current_timezone()).isoformat(timespec="seconds")


def _request_row(appeal: Appeal) -> dict:
    """One published appeal as the public may see it: nothing about the requester."""
    is_open = appeal.status in OPEN_STATUSES
    last_reply = None if is_open else max(appeal.replies.all(), key=lambda r: r.round, default=None)
    return _present({
        "service_request_id": appeal.number,
        "status": STATUS_OPEN if is_open else STATUS_CLOSED,
        "status_notes": (public_text(appeal, last_reply.body)[:MAX_DESCRIPTION] if last_reply
                         else appeal.get_status_display()),
        "service_name": appeal.category.name if appeal.category_id else appeal.get_kind_display(),
        "service_code": appeal.category.code if appeal.category_id else None,
        "description": public_text(appeal, appeal.content)[:MAX_DESCRIPTION],
        "agency_responsible": appeal.organisation.name,
        "service_notice": f"{appeal.limit_days} 个工作日内答复",
        "requested_datetime": _iso(appeal.submitted_at),
        "updated_datetime": _iso(appeal.updated_at),
        "expected_datetime": _iso(appeal.due_on),
        "address": public_address(appeal),
        "lat": public_coordinate(appeal.latitude),
        "long": public_coordinate(appeal.longitude),
    })


def _parse_when(value: str, name: str) -> dt.datetime | None:
    """A W3C datetime; one without an offset is read in Asia/Shanghai. ValueError if unparsable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} 应为 W3C 日期时间格式（如 2026-11-01T00:00:00+08:00）。") from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _window(params) -> tuple[dt.datetime, dt.datetime]:
    """start_date–end_date, at most 90 days; one side alone spans 90 days from it; neither, the
    most recent 90 days. ValueError with the message for the client otherwise."""
    start = _parse_when(params.get("start_date", ""), "start_date")
    end = _parse_when(params.get("end_date", ""), "end_date")
    if start is None and end is None:
        end = timezone.now()
    try:
        if start is None:
            start = end - WINDOW
        if end is None:
            end = start + WINDOW
    except OverflowError:
        raise ValueError("start_date/end_date 超出可查询的日期范围。") from None
    if end < start:
        raise ValueError("end_date 不能早于 start_date。")
    if end - start > WINDOW:
        raise ValueError("start_date 至 end_date 不得超过 90 天。")
    return start, end


def _list(params, fmt: str) -> HttpResponse:
    qs = published_appeals().prefetch_related("replies").order_by("-submitted_at", "-id")
    ids = [i.strip() for i in (params.get("service_request_id") or "").split(",") if i.strip()]
    if ids:  # "This overrides all other arguments."
        return _respond(fmt, "service_requests", [_request_row(a) for a in qs.filter(number__in=ids[:MAX_LIST])])
    try:
        start, end = _window(params)
    except ValueError as exc:
        return _error(fmt, 400, str(exc))
    qs = qs.filter(submitted_at__gte=start, submitted_at__lte=end)
    codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = {s.strip() for s in (params.get("status") or "").split(",") if s.strip()}
    if statuses - {STATUS_OPEN, STATUS_CLOSED}:
        return _error(fmt, 400, "status 应为 open、closed 或二者以逗号分隔。")
    if statuses == {STATUS_OPEN}:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif statuses == {STATUS_CLOSED}:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    return _respond(fmt, "service_requests", [_request_row(a) for a in qs[:MAX_LIST]])


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_view(request, fmt: str):
    """Public on purpose: Open311 clients query published requests and file new ones."""
    params = request.POST if request.method == "POST" else request.GET
    if wrong := _wrong_jurisdiction(fmt, params):
        return wrong
    if request.method == "POST":
        return _create(request, fmt)
    return _list(request.GET, fmt)


@login_not_required
@require_http_methods(["GET"])
def request_detail(request, request_id: str, fmt: str):
    """Public on purpose: one published request's status, nothing about its requester."""
    if wrong := _wrong_jurisdiction(fmt, request.GET):
        return wrong
    appeal = published_appeals().prefetch_related("replies").filter(number=request_id).first()
    if appeal is None:  # unpublished or missing: the same answer, so numbers reveal nothing
        return _error(fmt, 404, "service_request_id 不存在。")
    return _respond(fmt, "service_requests", [_request_row(appeal)])


def _publish_flag(post) -> str | None:
    """attribute[publish] as the service reads it; None if it is not one of the listed keys."""
    value = (post.get("attribute[publish]") or "").strip().lower()
    if not value or value in FALSE_VALUES:
        return ""
    return "1" if value in TRUE_VALUES else None


def _create(request, fmt: str) -> HttpResponse:
    post = request.POST
    actor = None
    api_key = post.get("api_key", "").strip()
    if api_key:
        from tongban.accounts.services import authenticate_token

        actor = authenticate_token(api_key)
        if actor is None:
            return _error(fmt, 403, "api_key 无效或已吊销。")
    code = post.get("service_code", "").strip()
    if not code:
        return _error(fmt, 400, "缺少 service_code，请先查询 services 列表。")
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        return _error(fmt, 404, "service_code 不存在，请先查询 services 列表。")
    description = post.get("description", "").strip()
    if not description:
        return _error(fmt, 400, "请填写 description（诉求内容）。")
    if not (post.get("lat") and post.get("long")) and not post.get("address_string") and not post.get("address_id"):
        return _error(fmt, 400, "须提供位置：lat 和 long，或 address_string。")
    publish = _publish_flag(post)
    if publish is None:
        return _error(fmt, 400, "attribute[publish] 应为 true 或 false。")
    name = " ".join(p for p in (post.get("last_name", "").strip(), post.get("first_name", "").strip()) if p)
    data = {
        "kind": category.default_kind if category.default_kind in Kind.values else Kind.COMPLAINT,
        "category": category.code, "content": description, "title": description[:40],
        "name": name, "phone": post.get("phone", ""), "email": post.get("email", ""),
        "lat": post.get("lat", ""), "long": post.get("long", ""),
        "address": post.get("address_string", "") or post.get("address_id", ""),
        "publish": publish,
    }
    try:
        appeal = services.appeal_submit(actor=actor, data=data, channel=Channel.OPEN311, client_ip=ip_from_request(request))
    except RateLimited as exc:
        return _error(fmt, 429, exc.message, {"Retry-After": str(exc.retry_after)})
    except ValidationError as exc:
        messages = ([m for msgs in exc.message_dict.values() for m in msgs] if hasattr(exc, "error_dict")
                    else exc.messages)
        return _error(fmt, 400, "；".join(messages))
    except PermissionDenied as exc:
        return _error(fmt, 403, str(exc) or "无权提交。")
    notice = f"{appeal.limit_days} 个工作日内答复，查询码 {appeal.query_code}。"
    if not appeal.publish_consent:
        notice += f"本诉求不公开，请凭编号和查询码在 {settings.SITE_URL.rstrip('/')}{reverse('appeals:track')} 查询进度。"
    return _respond(fmt, "service_requests", [{"service_request_id": appeal.number, "service_notice": notice}],
                    status=201)
