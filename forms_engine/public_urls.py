"""Residents' form pages (no sign-in): namespace `forms_public`, mounted at /forms/."""

from django.urls import path

from forms_engine import public_views

app_name = "forms_public"

urlpatterns = [
    path("resume/<str:token>/", public_views.resume_link, name="resume_link"),
    path("<slug:slug>/", public_views.start, name="start"),
    path("<slug:slug>/check/", public_views.check, name="check"),
    path("<slug:slug>/done/", public_views.done, name="done"),
    path("<slug:slug>/cannot-continue/", public_views.exit_page, name="exit"),
    path("<slug:slug>/save/", public_views.save_later, name="save"),
    path("<slug:slug>/saved/", public_views.saved, name="saved"),
    path("<slug:slug>/continue/", public_views.resume_code, name="resume_code"),
    path("<slug:slug>/already-reported/", public_views.reported, name="reported"),
    path("<slug:slug>/<str:page_key>/", public_views.page, name="page"),
]
