from django.urls import path

from places import views

app_name = "places"

urlpatterns = [
    path("addresses/", views.address_search_staff, name="address_search"),
]
