"""Public help pages, mounted at /help/ (no sign-in: core.middleware lets `help` through)."""

from django.urls import path

from faq import public_views

app_name = "help"

urlpatterns = [
    path("", public_views.help_list, name="list"),
    path("<slug:slug>/", public_views.help_detail, name="detail"),
]
