"""A URLconf for tests/core/test_kept_urls.py: the home page at another address."""

from django.http import HttpResponse
from django.urls import include, path

home = ([path("elsewhere/", lambda request: HttpResponse(), name="home")], "home")
urlpatterns = [path("", include(home))]
