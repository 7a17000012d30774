from .request_context import ip_from_request, reset_client_ip, set_client_ip


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_client_ip(ip_from_request(request))
        try:
            return self.get_response(request)
        finally:
            reset_client_ip(token)


class RejectNulMiddleware:
    """Refuse query strings and form fields containing NUL: no legitimate input has one, and
    PostgreSQL cannot store it (the request would otherwise end in a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest, JsonResponse

        bad = "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", "")
        if not bad and request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            bad = any("\x00" in value for values in request.POST.lists() for value in values[1])
        elif not bad and request.content_type == "application/json":
            bad = b"\\u0000" in request.body  # JSON can carry NUL only as this escape
        if bad:
            message = "请求包含非法字符（NUL），请检查输入。"
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid", "message": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class DefaultLanguageMiddleware:
    """Chinese unless the user chose otherwise with the language switch: a browser's
    Accept-Language alone doesn't switch a government platform into English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META["HTTP_ACCEPT_LANGUAGE"] = settings.LANGUAGE_CODE
        return self.get_response(request)


class SessionIdleRefreshMiddleware:
    """The session ends after SESSION_COOKIE_AGE of inactivity (an idle timeout), but writing it
    on every request (SESSION_SAVE_EVERY_REQUEST) costs a database write per page view. Instead
    the session is re-saved, and its expiry pushed back, at most once per REFRESH seconds: the
    idle timeout is exact to within that interval. Anonymous visitors without a session are
    never given one here."""

    REFRESH = 300
    KEY = "_tb_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        try:
            seen = int(session.get(self.KEY, 0))
        except (TypeError, ValueError):
            seen = 0
        if now - seen >= self.REFRESH:
            session[self.KEY] = now  # marks the session modified: SessionMiddleware saves it
        return response
