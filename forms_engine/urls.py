"""Staff pages of the forms engine (namespace `forms_engine`, mounted at /portals/)."""

from django.urls import path

from forms_engine import views

app_name = "forms_engine"

urlpatterns = [
    path("", views.portal_index, name="index"),
    path("forms/", views.portal_admin_list, name="forms"),
    path("forms/<slug:slug>/submissions/", views.form_submissions, name="form_submissions"),
    path("unlinked/", views.unlinked, name="unlinked"),
    path("start/", views.start_from_record, name="start_from_record"),
    path("start/<slug:slug>/", views.start, name="start"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/check/", views.fill_check, name="fill_check"),
    path("submissions/<int:pk>/done/", views.fill_done, name="fill_done"),
    path("submissions/<int:pk>/cannot-continue/", views.fill_exit, name="fill_exit"),
    path("submissions/<int:pk>/link/", views.link_citizen, name="link_citizen"),
    path("submissions/<int:pk>/files/<int:file_pk>/", views.file_download, name="file_download"),
    path("submissions/<int:pk>/<str:page_key>/", views.fill_page, name="fill_page"),
    path("portal/<slug:slug>/", views.portal, name="portal"),
]
