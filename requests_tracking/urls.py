from django.urls import path

from requests_tracking import views

app_name = "requests_tracking"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("new/candidates/", views.request_candidates, name="candidates"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/notes/", views.request_note, name="note"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"
    ),
    path("<int:pk>/duplicate/", views.request_mark_duplicate, name="mark_duplicate"),
    path("<int:pk>/duplicate/undo/", views.request_undo_duplicate, name="undo_duplicate"),
    path("<int:pk>/<slug:action>/", views.request_action, name="action"),
]
