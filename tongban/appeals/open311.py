"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/, JSON and XML.

- GET services.{fmt}, services/{code}.{fmt}: the active appeal categories.
- POST requests.{fmt}: file a request. With `api_key` (an integration token of an organisation)
  it is filed for that account; without one it is anonymous, needs a phone and is rate-limited.
- GET requests.{fmt}, requests/{id}.{fmt}: status of requests. Public, so it shows nothing about
  the requester, and the description only of requests that were themselves filed through
  Open311 (whose filers published them knowingly); others show their title.

Errors follow the spec: a list of {code, description} (XML <errors><error>).
"""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tongban.core.request_context import ip_from_request

from . import services
from .models import OPEN_STATUSES, Appeal, Category, Channel, Kind
from .routing import RateLimited

MAX_LIST = 1000
DEFAULT_DAYS = 90


def _xml(root_tag: str, item_tag: str, rows: list[dict]) -> bytes:
    root = ET.Element(root_tag)
    for row in rows:
        item = ET.SubElement(root, item_tag)
        for key, value in row.items():
            child = ET.SubElement(item, key)
            if isinstance(value, bool):
                child.text = "true" if value else "false"
            elif value is not None:
                child.text = str(value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _respond(fmt: str, root_tag: str, item_tag: str, rows: list[dict], status: int = 200):
    if fmt == "xml":
        return HttpResponse(_xml(root_tag, item_tag, rows), status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(rows, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, description: str, headers: dict | None = None):
    response = _respond(fmt, "errors", "error", [{"code": status, "description": description}], status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.get_default_kind_display(),
    }


@login_not_required
@require_http_methods(["GET"])
def service_list(request, fmt: str):
    """Public on purpose: the Open311 service list."""
    rows = [_service(c) for c in Category.objects.filter(is_active=True)]
    return _respond(fmt, "services", "service", rows)


@login_not_required
@require_http_methods(["GET"])
def service_definition(request, code: str, fmt: str):
    """Public on purpose: no category takes extra attributes, so every definition is empty."""
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        return _error(fmt, 404, "service_code 不存在。")
    if fmt == "xml":
        root = ET.Element("service_definition")
        ET.SubElement(root, "service_code").text = category.code
        ET.SubElement(root, "attributes")
        return HttpResponse(b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8"),
                            content_type="text/xml; charset=utf-8")
    return JsonResponse({"service_code": category.code, "attributes": []})


STATUS_OPEN, STATUS_CLOSED = "open", "closed"


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return dt.datetime(value.year, value.month, value.day, 23, 59, 59,
                       tzinfo=timezone.get_current_timezone()).isoformat(timespec="seconds")


def _request_row(appeal: Appeal) -> dict:
    last_reply = appeal.replies.order_by("-round").first() if appeal.status not in OPEN_STATUSES else None
    return {
        "service_request_id": appeal.number,
        "status": STATUS_OPEN if appeal.status in OPEN_STATUSES else STATUS_CLOSED,
        "status_notes": (last_reply.body[:500] if last_reply and appeal.channel == Channel.OPEN311
                         else appeal.get_status_display()),
        "service_name": appeal.category.name if appeal.category_id else appeal.get_kind_display(),
        "service_code": appeal.category.code if appeal.category_id else "",
        "description": appeal.content if appeal.channel == Channel.OPEN311 else appeal.title,
        "agency_responsible": appeal.organisation.name,
        "service_notice": f"{appeal.limit_days} 个工作日内答复",
        "requested_datetime": _iso(appeal.submitted_at),
        "updated_datetime": _iso(appeal.updated_at),
        "expected_datetime": _iso(appeal.due_on),
        "address": appeal.address,
        "address_id": "",
        "zipcode": "",
        "lat": str(appeal.latitude) if appeal.latitude is not None else "",
        "long": str(appeal.longitude) if appeal.longitude is not None else "",
        "media_url": "",
    }


def _parse_when(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_view(request, fmt: str):
    """Public on purpose: Open311 clients query and file requests (see the module docstring)."""
    if request.method == "POST":
        return _create(request, fmt)
    qs = Appeal.objects.select_related("category", "organisation").exclude(status="merged").order_by("-submitted_at")
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        qs = qs.filter(number__in=ids[:MAX_LIST])
    else:
        try:
            start = _parse_when(request.GET.get("start_date", ""))
            end = _parse_when(request.GET.get("end_date", ""))
        except ValueError:
            return _error(fmt, 400, "start_date/end_date 应为 ISO 8601 格式（如 2026-11-01T00:00:00+08:00）。")
        end = end or timezone.now()
        start = start or end - dt.timedelta(days=DEFAULT_DAYS)
        # Without ids only requests filed through Open311 are listed: the others' filers did
        # not publish them.
        qs = qs.filter(channel=Channel.OPEN311, submitted_at__gte=start, submitted_at__lte=end)
        codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(category__code__in=codes)
        status = request.GET.get("status", "").strip()
        if status == STATUS_OPEN:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif status == STATUS_CLOSED:
            qs = qs.exclude(status__in=OPEN_STATUSES)
        elif status:
            return _error(fmt, 400, "status 应为 open 或 closed。")
    rows = [_request_row(a) for a in qs.prefetch_related("replies")[:MAX_LIST]]
    return _respond(fmt, "service_requests", "request", rows)


@login_not_required
@require_http_methods(["GET"])
def request_detail(request, request_id: str, fmt: str):
    """Public on purpose: one request's status, nothing about its requester."""
    appeal = Appeal.objects.select_related("category", "organisation").filter(number=request_id).first()
    if appeal is None or appeal.status == "merged":
        return _error(fmt, 404, "service_request_id 不存在。")
    return _respond(fmt, "service_requests", "request", [_request_row(appeal)])


def _create(request, fmt: str):
    post = request.POST
    actor = None
    api_key = post.get("api_key", "").strip()
    if api_key:
        from tongban.accounts.services import authenticate_token

        actor = authenticate_token(api_key)
        if actor is None:
            return _error(fmt, 403, "api_key 无效或已吊销。")
    code = post.get("service_code", "").strip()
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        return _error(fmt, 400, "缺少或无效的 service_code，请先查询 services 列表。")
    description = post.get("description", "").strip()
    if not description:
        return _error(fmt, 400, "请填写 description（诉求内容）。")
    if not (post.get("lat") and post.get("long")) and not post.get("address_string") and not post.get("address_id"):
        return _error(fmt, 400, "须提供位置：lat 和 long，或 address_string。")
    name = " ".join(p for p in (post.get("last_name", "").strip(), post.get("first_name", "").strip()) if p)
    data = {
        "kind": category.default_kind if category.default_kind in Kind.values else Kind.COMPLAINT,
        "category": category.code, "content": description, "title": description[:40],
        "name": name, "phone": post.get("phone", ""), "email": post.get("email", ""),
        "lat": post.get("lat", ""), "long": post.get("long", ""),
        "address": post.get("address_string", "") or post.get("address_id", ""),
    }
    try:
        appeal = services.appeal_submit(actor=actor, data=data, channel=Channel.OPEN311,
                                        client_ip=ip_from_request(request))
    except RateLimited as exc:
        return _error(fmt, 429, exc.message, {"Retry-After": str(exc.retry_after)})
    except ValidationError as exc:
        messages = ([m for msgs in exc.message_dict.values() for m in msgs] if hasattr(exc, "error_dict")
                    else exc.messages)
        return _error(fmt, 400, "；".join(messages))
    except PermissionDenied as exc:
        return _error(fmt, 403, str(exc) or "无权提交。")
    row = {"service_request_id": appeal.number, "service_notice": f"{appeal.limit_days} 个工作日内答复，查询码 {appeal.query_code}",
           "account_id": ""}
    return _respond(fmt, "service_requests", "request", [row], status=201)


def discovery(request):
    return JsonResponse({
        "changeset": "2026-11-01T00:00:00+08:00",
        "contact": "12345",
        "key_service": "向平台管理员申请机构对接账号的接口令牌作为 api_key；无 api_key 时须留电话，并受频率限制。",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": request.build_absolute_uri("/open311/v2/"),
            "changeset": "2026-11-01T00:00:00+08:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    }, json_dumps_params={"ensure_ascii": False})


discovery = login_not_required(require_http_methods(["GET"])(discovery))
