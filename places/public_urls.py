"""Residents' address search (no sign-in; namespace `places_public`)."""

from django.urls import path

from places import views

app_name = "places_public"

urlpatterns = [
    path("addresses/", views.address_search_public, name="address_search"),
]
