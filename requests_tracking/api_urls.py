from django.urls import path

from requests_tracking import api

urlpatterns = [
    path("processes/", api.processes, name="processes"),
    path("requests/", api.requests_collection, name="requests"),
    path("requests/<int:pk>/", api.request_item, name="request"),
    path("requests/<int:pk>/notes/", api.request_notes, name="request-notes"),
    path("requests/<int:pk>/advance/", api.request_advance, name="request-advance"),
    path("requests/<int:pk>/hold/", api.request_hold, name="request-hold"),
    path("requests/<int:pk>/resolve/", api.request_resolve, name="request-resolve"),
    path("requests/<int:pk>/reopen/", api.request_reopen, name="request-reopen"),
    path("requests/<int:pk>/cancel/", api.request_cancel, name="request-cancel"),
]
