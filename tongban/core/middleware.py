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
