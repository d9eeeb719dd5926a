"""The public "already reported?" page (no sign-in; namespace `already_reported`)."""

from django.urls import path

from requests_tracking import reported_views

app_name = "already_reported"

urlpatterns = [
    path("", reported_views.already_reported, name="page"),
    path("follow/", reported_views.already_reported_follow, name="follow"),
]
