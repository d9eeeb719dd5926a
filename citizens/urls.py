from django.urls import path

from citizens import views

app_name = "citizens"

urlpatterns = [
    path("", views.search, name="search"),
    path("advanced/", views.advanced_search, name="advanced"),
    path("new/", views.create, name="create"),
    path("duplicates/", views.review_duplicates, name="review_duplicates"),
    path("duplicates/review/", views.review_start, name="review_start"),
    path("merges/<int:merge_pk>/undo/", views.unmerge, name="unmerge"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/confirm-details/", views.confirm_details, name="confirm_details"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/flags/new/", views.flag_add, name="flag_add"),
    path("<int:pk>/flags/<int:flag_pk>/end/", views.flag_end, name="flag_end"),
    path("<int:pk>/notes/new/", views.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note_pk>/correct/", views.note_correct, name="note_correct"),
    path("<int:pk>/duplicates/", views.duplicates, name="duplicates"),
    path("<int:pk>/merge/<int:other_pk>/", views.merge, name="merge"),
    path("<int:pk>/not-duplicate/<int:other_pk>/", views.not_duplicate, name="not_duplicate"),
]
