from django.urls import path

from timeline import views

app_name = "timeline"

urlpatterns = [
    path("citizens/<int:pk>/", views.citizen_feed, name="citizen_feed"),
]
