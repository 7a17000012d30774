"""The JSON API under /api/v1/ (django-ninja). Routers live in each app's api.py.

Errors are JSON {"code": ..., "message": ...} with a Chinese message: 401 not logged in,
403 no permission, 404 not found or out of scope, 409 illegal transition or conflict,
422 invalid input. Never 500 for a user's mistake.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tongban.core.api_auth import SessionAuth, TokenAuth
from tongban.core.errors import Conflict

api = NinjaAPI(
    title="通办 Tongban API",
    version="1",
    description="通办开放接口。浏览器使用会话登录；系统对接使用机构对接账号的令牌（Bearer）。",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api-1",
)


def _error(request, status: int, code: str, message: str, details=None):
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    details = exc.message_dict if hasattr(exc, "error_dict") else None
    return _error(request, 422, "invalid", "；".join(exc.messages), details)


@api.exception_handler(NinjaValidationError)
def _schema_validation(request, exc: NinjaValidationError):
    return _error(request, 422, "invalid", "请求数据格式不正确。", exc.errors)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return _error(request, 403, "forbidden", str(exc) or "您没有执行此操作的权限。")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", str(exc) or "对象不存在或不在您的管辖范围内。")


@api.exception_handler(Conflict)
def _conflict(request, exc: Conflict):
    return _error(request, 409, exc.code, exc.message)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", "请先登录或提供有效的接口令牌。")


@api.exception_handler(DataError)
def _data_error(request, exc):
    # e.g. a NUL character inside a JSON string, which PostgreSQL cannot store
    return _error(request, 422, "invalid", "输入包含无法保存的字符，请检查后重试。")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "error", str(exc))


def register_routers() -> None:
    from tongban.accounts.api import router as accounts_router
    from tongban.catalog.api import router as catalog_router

    api.add_router("/accounts/", accounts_router)
    api.add_router("/catalog/", catalog_router)
    from tongban.cases.api import router as cases_router

    api.add_router("/cases/", cases_router)
    from tongban.appeals.api import kb_router
    from tongban.appeals.api import router as appeals_router
    from tongban.reviews.api import router as reviews_router

    api.add_router("/appeals/", appeals_router)
    api.add_router("/kb/", kb_router)
    api.add_router("/reviews/", reviews_router)
    from tongban.policies.api import router as policies_router

    api.add_router("/policies/", policies_router)
    from tongban.bundles.api import router as bundles_router
    from tongban.licences.api import router as licences_router

    api.add_router("/licences/", licences_router)
    api.add_router("/bundles/", bundles_router)
    from tongban.inspections.api import router as inspections_router

    api.add_router("/inspections/", inspections_router)
    from tongban.enforcement.api import router as enforcement_router

    api.add_router("/enforcement/", enforcement_router)
    from tongban.credit.api import router as credit_router

    api.add_router("/credit/", credit_router)
    from tongban.ledger.api import router as ledger_router

    api.add_router("/ledger/", ledger_router)
    from tongban.works.api import router as works_router

    api.add_router("/works/", works_router)


register_routers()
