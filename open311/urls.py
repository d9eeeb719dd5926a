"""Open311 GeoReport v2 (namespace `open311`, no sign-in: POST checks its own api_key)."""

from django.urls import path, re_path

from open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    path("", views.root, name="root"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[A-Za-z0-9_-]+)" + FMT,
        views.service_definition,
        name="service",
    ),
    re_path(r"^requests" + FMT, views.requests_collection, name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[A-Za-z0-9-]+)" + FMT,
        views.request_item,
        name="request",
    ),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9]+)" + FMT, views.token_item, name="token"),
]
