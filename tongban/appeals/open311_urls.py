from django.urls import re_path

from . import open311

app_name = "open311"

FMT = r"(?P<fmt>json|xml)"
urlpatterns = [
    re_path(rf"^discovery\.{FMT}$", open311.discovery, name="discovery"),
    re_path(rf"^v2/services\.{FMT}$", open311.service_list, name="services"),
    re_path(rf"^v2/services/(?P<code>[-\w]+)\.{FMT}$", open311.service_definition, name="service"),
    re_path(rf"^v2/requests\.{FMT}$", open311.requests_view, name="requests"),
    re_path(rf"^v2/requests/(?P<request_id>[-\w]+)\.{FMT}$", open311.request_detail, name="request"),
]
