from django.urls import path

from integration import api

urlpatterns = [
    path("changes/", api.change_feed, name="changes"),
]
