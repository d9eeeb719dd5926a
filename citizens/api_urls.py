from django.urls import path

from citizens import api

urlpatterns = [
    path("citizens/", api.citizens_collection, name="citizens"),
    path("citizens/<int:pk>/", api.citizen_item, name="citizen"),
    path("citizens/<int:pk>/duplicates/", api.citizen_duplicates, name="citizen-duplicates"),
    path("citizens/<int:pk>/notes/", api.citizen_notes, name="citizen-notes"),
]
