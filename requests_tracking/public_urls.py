"""The citizen's tracking page: reached by a signed link, no staff sign-in (namespace `public`)."""

from django.urls import path

from requests_tracking import public_views

app_name = "public"

urlpatterns = [
    path("<str:token>/", public_views.track, name="track"),
    path("<str:token>/reply/", public_views.track_reply, name="track_reply"),
    path("<str:token>/follow/", public_views.track_follow, name="track_follow"),
]
