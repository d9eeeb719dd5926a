from django.urls import path

from integration import views

app_name = "integration"

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/not-imported.csv", views.import_rejected_csv, name="import_rejected"),
    path("imports/<int:pk>/undo/", views.import_undo_view, name="import_undo"),
]
