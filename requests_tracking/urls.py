from django.urls import path  # noqa: F401

app_name = "requests_tracking"

urlpatterns = []
