from django.urls import path

from integration import api

urlpatterns = [
    path("changes/", api.change_feed, name="changes"),
    path(
        "service-accounts/<slug:system>/<str:reference>/",
        api.service_account_put,
        name="service-account",
    ),
]
