from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_list, name="list"),
    path("subject-access/", views.sar_list, name="sar_list"),
    path("subject-access/new/", views.sar_create, name="sar_create"),
    path("subject-access/<int:pk>/", views.sar_detail, name="sar_detail"),
    path("subject-access/<int:pk>/export/", views.sar_export, name="sar_export"),
    path("subject-access/<int:pk>/close/", views.sar_close, name="sar_close"),
]
