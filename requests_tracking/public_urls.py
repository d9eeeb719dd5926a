"""The citizen's tracking page: reached by a signed link, no staff sign-in (namespace `public`)."""

from django.urls import path

from requests_tracking import public_views

app_name = "public"

urlpatterns = [
    path("updates/confirm/<str:token>/", public_views.follower_confirm, name="follower_confirm"),
    path("updates/stop/<str:token>/", public_views.follower_stop, name="follower_stop"),
    path("updates/view/<str:token>/", public_views.follower_view, name="follower_view"),
    path("<str:token>/", public_views.track, name="track"),
    path("<str:token>/reply/", public_views.track_reply, name="track_reply"),
    path("<str:token>/follow/", public_views.track_follow, name="track_follow"),
]
