from django.urls import path

from timeline import api

urlpatterns = [
    path(
        "citizens/<int:pk>/timeline/",
        api.CitizenTimelineView.as_view(),
        name="citizen-timeline",
    ),
]
